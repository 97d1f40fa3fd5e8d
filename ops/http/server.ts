/**
 * The operations HTTP server, on node:http alone: `GET /metrics` (Prometheus text format 0.0.4) and
 * `GET /health` (JSON; 200 when ok, 503 when degraded); with a `status` callback also the pipeline health
 * page: `GET /` (and `/health/ui`), its script and style under `/dashboard/` (served from
 * ops/http/dashboard/, nothing from elsewhere: the page works offline), and `GET /api/status` (JSON) that it
 * polls; with it also the sales dashboard: `GET /sales`, its files (Chart.js served from the installed
 * package, never a CDN), `GET /api/sales?source=&year=&category=` (JSON; 400 with `{ error }` for a bad
 * filter; 503 when this process has no `sales` callback: no warehouse stage, or not PostgreSQL, or when the
 * source's tables are missing), `GET /api/sales/terms` (the top search terms) and `GET
 * /api/sales/projection?source=` (yearly sales and their projection), answered the same way. Anything else is
 * 404; a known path with another method is 405 (every page is read-only). Binds to the configured host,
 * 127.0.0.1 unless configured otherwise.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../../core/config/load.js';
import { PROMETHEUS_CONTENT_TYPE } from './metrics.js';

export interface HttpServerOptions {
  host: string;
  /** 0 picks a free port; read it from the returned `port` */
  port: number;
  metrics: () => Promise<string>;
  health: () => Promise<object>;
  /** `/api/status` for the health page; without it there is no page */
  status?: () => Promise<object>;
  /**
   * `/api/sales` for the sales page: the parsed query string in, a status (200, or 400 for a bad filter)
   * and a JSON body out. Without it the page is still served and says why it has no data.
   */
  sales?: SalesCallback;
  /** `/api/sales/terms` (the top search terms), as `sales`; without it a 503 says why */
  salesTerms?: SalesCallback;
  /** `/api/sales/projection` (yearly sales and the projection), as `sales`; without it a 503 says why */
  salesProjection?: SalesCallback;
  /** where the page's files are (default ops/http/dashboard in the repository) */
  dashboardDir?: string;
  /** Chart.js's browser build (default the installed package's dist/chart.umd.js) */
  chartJsFile?: string;
  /** called with errors of the callbacks (the response is a 500 without the error's text) */
  onError?: (e: unknown) => void;
}

/** A JSON endpoint of the sales page: the parsed query string in, a status and a JSON body out. */
export type SalesCallback = (query: URLSearchParams) => Promise<{ status: number; body: object }>;

export interface HttpServerHandle {
  host: string;
  port: number;
  url: string;
  close: () => Promise<void>;
}

export const DASHBOARD_DIR = join(REPO_ROOT, 'ops', 'http', 'dashboard');
/** Chart.js's browser build (UMD: defines `window.Chart`), wherever npm installed the package. */
export const CHART_JS_FILE = join(
  dirname(createRequire(import.meta.url).resolve('chart.js')),
  'chart.umd.js',
);

/** The answer of `/api/sales` in a process without the warehouse stage. */
const NO_SALES = {
  error:
    'this process serves no sales data: the sales dashboard needs the warehouse stage (STARLING_PIPELINE) on a PostgreSQL warehouse; open /sales on the process that runs it',
};

/** The page's files: a fixed list, so no request path ever reaches the file system. */
const ASSETS: Record<string, { file: string; type: string; chartJs?: true }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/health/ui': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/dashboard/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard/lag-chart.js': { file: 'lag-chart.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
  '/sales': { file: 'sales.html', type: 'text/html; charset=utf-8' },
  '/dashboard/sales.js': { file: 'sales.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard/sales-view.js': { file: 'sales-view.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard/sales.css': { file: 'sales.css', type: 'text/css; charset=utf-8' },
  '/dashboard/sales-terms.js': { file: 'sales-terms.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard/sales-projection.js': { file: 'sales-projection.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard/projection-view.js': { file: 'projection-view.js', type: 'text/javascript; charset=utf-8' },
  // Not in the dashboard folder: read from the installed package (see chartJsFile).
  '/dashboard/chart.umd.js': { file: 'chart.umd.js', type: 'text/javascript; charset=utf-8', chartJs: true },
};

/** Only the page's own files and requests to this server; no framing by other sites. */
const PAGE_SECURITY = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

export async function startHttpServer(opts: HttpServerOptions): Promise<HttpServerHandle> {
  const assets = new Map<string, { body: Buffer; type: string }>();
  if (opts.status !== undefined) {
    const dir = opts.dashboardDir ?? DASHBOARD_DIR;
    for (const [path, a] of Object.entries(ASSETS)) {
      const file = a.chartJs ? (opts.chartJsFile ?? CHART_JS_FILE) : join(dir, a.file);
      assets.set(path, { body: await readFile(file), type: a.type });
    }
  }
  // The sales page's JSON endpoints: a fixed list, each answered by its callback (or a 503 without one).
  const salesApi = new Map<string, SalesCallback | undefined>([
    ['/api/sales', opts.sales],
    ['/api/sales/terms', opts.salesTerms],
    ['/api/sales/projection', opts.salesProjection],
  ]);
  const paths = new Set([
    '/metrics',
    '/health',
    ...(opts.status ? ['/api/status', ...salesApi.keys(), ...assets.keys()] : []),
  ]);

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer, extra = {}) => {
    res.writeHead(status, {
      'content-type': type,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...extra,
    });
    res.end(body);
  };
  const json = (res: ServerResponse, status: number, body: object) =>
    send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(body, null, 2)}\n`);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (!paths.has(path)) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { allow: 'GET, HEAD' });
    try {
      if (path === '/metrics') return send(res, 200, PROMETHEUS_CONTENT_TYPE, await opts.metrics());
      if (path === '/api/status' && opts.status) return json(res, 200, await opts.status());
      if (salesApi.has(path)) {
        const callback = salesApi.get(path);
        if (callback === undefined) return json(res, 503, NO_SALES);
        const answer = await callback(url.searchParams);
        return json(res, answer.status, answer.body);
      }
      const asset = assets.get(path);
      if (asset !== undefined) return send(res, 200, asset.type, asset.body, PAGE_SECURITY);
      const report = (await opts.health()) as { status?: string };
      return json(res, report.status === 'ok' ? 200 : 503, report);
    } catch (e) {
      opts.onError?.(e);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    }
  };

  const server = createServer((req, res) => {
    // The request body is never read; drain it so keep-alive connections stay usable.
    req.resume();
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostInUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    host: opts.host,
    port,
    url: `http://${hostInUrl}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
