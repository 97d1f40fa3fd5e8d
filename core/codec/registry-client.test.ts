import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyDbError } from '../../sinks/runtime/classify.js';
import { RegistryClient, RegistryUnavailableError, UnknownSchemaError } from './registry-client.js';

// A stand-in registry on loopback that records the headers of each request.
const seen: IncomingHttpHeaders[] = [];
const server = createServer((req, res) => {
  seen.push(req.headers);
  res.setHeader('content-type', 'application/json');
  // /schemas/ids/500 answers as Apicurio does while its PostgreSQL is away; /schemas/ids/404 as for an unknown id.
  if (req.url?.endsWith('/schemas/ids/500')) res.statusCode = 500;
  if (req.url?.endsWith('/schemas/ids/404')) res.statusCode = 404;
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

describe('RegistryClient failures', () => {
  it('a 5xx or an unreachable registry is waited out by the sinks; an unknown id is the record problem', async () => {
    const client = new RegistryClient(url);
    const down = await client.schemaById(500).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(RegistryUnavailableError);
    expect(classifyDbError(down)).toBe('retry');
    const unreachable = await new RegistryClient('http://127.0.0.1:9/x')
      .schemaById(1)
      .catch((e: unknown) => e);
    expect(unreachable).toBeInstanceOf(RegistryUnavailableError);
    expect(classifyDbError(unreachable)).toBe('retry');
    const unknown = await client.schemaById(404).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(UnknownSchemaError);
    expect(classifyDbError(unknown)).not.toBe('retry');
  });
});
