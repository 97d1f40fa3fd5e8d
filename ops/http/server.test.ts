import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpServerHandle, startHttpServer } from './server.js';

// The routing of the operations server, on a loopback port (no other service needed).
let withPage: HttpServerHandle;
let withoutPage: HttpServerHandle;
let statusCalls = 0;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'starling-dashboard-'));
  for (const f of ['index.html', 'app.js', 'lag-chart.js', 'style.css'])
    writeFileSync(join(dir, f), `/* ${f} */`);
  withPage = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    metrics: async () => 'm 1\n',
    health: async () => ({ status: 'ok', components: [] }),
    status: async () => {
      statusCalls++;
      return { at: 1, lag: [] };
    },
    dashboardDir: dir,
  });
  withoutPage = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    metrics: async () => '',
    health: async () => ({ status: 'degraded', components: [] }),
  });
});

afterAll(async () => {
  await withPage?.close();
  await withoutPage?.close();
});

const get = async (base: HttpServerHandle, path: string, init?: RequestInit) => {
  const res = await fetch(`${base.url}${path}`, init);
  return { res, body: await res.text() };
};

describe('operations HTTP server: the health page', () => {
  it('serves the page at / and /health/ui with a policy that allows only its own files', async () => {
    for (const path of ['/', '/health/ui']) {
      const { res, body } = await get(withPage, path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(body).toBe('/* index.html */');
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('serves its script and style with their types', async () => {
    const js = await get(withPage, '/dashboard/app.js');
    expect(js.res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.body).toBe('/* app.js */');
    expect((await get(withPage, '/dashboard/lag-chart.js')).body).toBe('/* lag-chart.js */');
    const css = await get(withPage, '/dashboard/style.css');
    expect(css.res.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('GET /api/status is the status callback as JSON, uncached by the browser', async () => {
    const { res, body } = await get(withPage, '/api/status');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(JSON.parse(body)).toEqual({ at: 1, lag: [] });
    expect(statusCalls).toBe(1);
  });

  it('404 for anything else, including other files and paths that try to leave the folder', async () => {
    for (const path of [
      '/dashboard/',
      '/dashboard/index.html',
      '/dashboard/../server.ts',
      '/dashboard/%2e%2e/server.ts',
      '/api',
      '/favicon.ico',
    ])
      expect((await get(withPage, path)).res.status, path).toBe(404);
    expect((await get(withPage, '/api/status', { method: 'POST', body: 'x' })).res.status).toBe(405);
  });

  it('without a status callback there is no page, and /metrics and /health are as before', async () => {
    expect((await get(withoutPage, '/')).res.status).toBe(404);
    expect((await get(withoutPage, '/api/status')).res.status).toBe(404);
    expect((await get(withoutPage, '/dashboard/app.js')).res.status).toBe(404);
    expect((await get(withoutPage, '/health')).res.status).toBe(503);
    expect((await get(withPage, '/health')).res.status).toBe(200);
    expect((await get(withPage, '/metrics')).body).toBe('m 1\n');
  });

  it('the page files of the repository are there', async () => {
    const real = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      metrics: async () => '',
      health: async () => ({}),
      status: async () => ({}),
    });
    try {
      const { body } = await get(real, '/');
      expect(body).toContain('<script type="module" src="/dashboard/app.js">');
      expect(body).toContain('data-testid="lag-chart"');
      expect((await get(real, '/dashboard/app.js')).body).toContain("fetch('/api/status'");
    } finally {
      await real.close();
    }
  });
});
