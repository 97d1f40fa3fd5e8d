import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectApi } from './connect-api.js';

// A stand-in Connect REST API on loopback that records the headers of each request.
const seen: IncomingHttpHeaders[] = [];
const server = createServer((req, res) => {
  seen.push(req.headers);
  res.setHeader('content-type', 'application/json');
  res.end(req.method === 'GET' ? '[]' : '{}');
});
let url = '';

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('ConnectApi basic auth', () => {
  it('sends the credentials with every call, bodies included', async () => {
    const api = new ConnectApi(url, { username: 'ops', password: 'pw' });
    await api.upsert('c', { 'tasks.max': '1' });
    await api.restartConnector('c');
    const expected = `Basic ${Buffer.from('ops:pw').toString('base64')}`;
    expect(seen.map((h) => h.authorization)).toEqual([expected, expected, expected]);
    expect(seen[1]?.['content-type']).toBe('application/json');
    await new ConnectApi(url).list();
    expect(seen[3]?.authorization).toBeUndefined();
  });
});
