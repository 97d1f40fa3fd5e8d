import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpServerHandle, startHttpServer } from './server.js';

// The routing of the operations server, on a loopback port (no other service needed).
let withPage: HttpServerHandle;
let withoutPage: HttpServerHandle;
let withoutSales: HttpServerHandle;
let statusCalls = 0;
const salesQueries: string[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'starling-dashboard-'));
  for (const f of [
    'index.html',
    'app.js',
    'lag-chart.js',
    'style.css',
    'sales.html',
    'sales.js',
    'sales-view.js',
    'sales.css',
    'sales-terms.js',
    'sales-projection.js',
    'projection-view.js',
    'chart.umd.js',
  ])
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
    sales: async (query) => {
      salesQueries.push(query.toString());
      return query.get('year') === 'bad'
        ? { status: 400, body: { error: 'year must be a four-digit year' } }
        : { status: 200, body: { at: 2 } };
    },
    salesTerms: async () => ({ status: 503, body: { error: 'no search_terms: starling seed search-terms' } }),
    salesProjection: async (query) => ({ status: 200, body: { source: query.get('source') } }),
    dashboardDir: dir,
    chartJsFile: join(dir, 'chart.umd.js'),
  });
  withoutSales = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    metrics: async () => '',
    health: async () => ({ status: 'ok', components: [] }),
    status: async () => ({}),
    dashboardDir: dir,
    chartJsFile: join(dir, 'chart.umd.js'),
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
  await withoutSales?.close();
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

  it('serves the sales page, its files and Chart.js under the same policy; /api/sales passes the query', async () => {
    const page = await get(withPage, '/sales');
    expect(page.res.status).toBe(200);
    expect(page.body).toBe('/* sales.html */');
    expect(page.res.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'/);
    for (const [path, type] of [
      ['/dashboard/sales.js', 'text/javascript; charset=utf-8'],
      ['/dashboard/sales-view.js', 'text/javascript; charset=utf-8'],
      ['/dashboard/chart.umd.js', 'text/javascript; charset=utf-8'],
      ['/dashboard/sales.css', 'text/css; charset=utf-8'],
      ['/dashboard/sales-terms.js', 'text/javascript; charset=utf-8'],
      ['/dashboard/sales-projection.js', 'text/javascript; charset=utf-8'],
      ['/dashboard/projection-view.js', 'text/javascript; charset=utf-8'],
    ]) {
      const r = await get(withPage, path!);
      expect(r.res.status, path).toBe(200);
      expect(r.res.headers.get('content-type'), path).toBe(type);
    }
    const ok = await get(withPage, '/api/sales?year=2020&category=smart+phone');
    expect(ok.res.status).toBe(200);
    expect(ok.res.headers.get('cache-control')).toBe('no-store');
    expect(JSON.parse(ok.body)).toEqual({ at: 2 });
    expect(salesQueries.at(-1)).toBe('year=2020&category=smart+phone');
    const bad = await get(withPage, '/api/sales?year=bad');
    expect(bad.res.status).toBe(400);
    expect(JSON.parse(bad.body)).toEqual({ error: 'year must be a four-digit year' });
    const terms = await get(withPage, '/api/sales/terms');
    expect(terms.res.status).toBe(503);
    expect(JSON.parse(terms.body).error).toMatch(/starling seed search-terms/);
    const projection = await get(withPage, '/api/sales/projection?source=history');
    expect(JSON.parse(projection.body)).toEqual({ source: 'history' });
    expect((await get(withPage, '/api/sales/other')).res.status).toBe(404);
  });

  it('the sales page is read-only: other methods are 405', async () => {
    for (const path of [
      '/sales',
      '/api/sales',
      '/api/sales/terms',
      '/api/sales/projection',
      '/dashboard/sales.js',
    ])
      for (const method of ['POST', 'PUT', 'DELETE']) {
        const r = await get(withPage, path, { method, body: method === 'DELETE' ? undefined : 'x' });
        expect(r.res.status, `${method} ${path}`).toBe(405);
        expect(r.res.headers.get('allow')).toBe('GET, HEAD');
      }
  });

  it('without a sales callback the page is there and /api/sales says why it has no data', async () => {
    expect((await get(withoutSales, '/sales')).res.status).toBe(200);
    const r = await get(withoutSales, '/api/sales');
    expect(r.res.status).toBe(503);
    expect(JSON.parse(r.body).error).toMatch(/needs the warehouse stage/);
    for (const path of ['/api/sales/terms', '/api/sales/projection'])
      expect((await get(withoutSales, path)).res.status, path).toBe(503);
    expect((await get(withoutPage, '/sales')).res.status).toBe(404);
    expect((await get(withoutPage, '/api/sales')).res.status).toBe(404);
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
      expect(body).toContain('href="/sales"');
      const sales = (await get(real, '/sales')).body;
      expect(sales).toContain('<script src="/dashboard/chart.umd.js"></script>');
      expect(sales).toContain('<script type="module" src="/dashboard/sales.js"></script>');
      expect(sales).toContain('href="/"');
      // No inline script or style: the policy would block them.
      expect(sales).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=/);
      expect((await get(real, '/dashboard/chart.umd.js')).body).toContain('window.Chart');
    } finally {
      await real.close();
    }
  });
});
