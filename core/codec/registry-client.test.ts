import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from './registry-client.js';

// A stand-in registry on loopback that records the headers of each request.
const seen: IncomingHttpHeaders[] = [];
const server = createServer((req, res) => {
  seen.push(req.headers);
  res.setHeader('content-type', 'application/json');
  res.end(req.method === 'POST' ? '{"id":7}' : '{"schema":"\\"string\\""}');
});
let url = '';

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/apis/ccompat/v7`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('RegistryClient basic auth', () => {
  it('sends the credentials on every request, and no header without them', async () => {
    const client = new RegistryClient(url, { username: 'reg', password: 's3cret' });
    await client.schemaById(1);
    await client.register('t-value', { type: 'string' });
    const expected = `Basic ${Buffer.from('reg:s3cret').toString('base64')}`;
    expect(seen.map((h) => h.authorization)).toEqual([expected, expected]);
    await new RegistryClient(url).schemaById(2);
    expect(seen[2]?.authorization).toBeUndefined();
  });
});
