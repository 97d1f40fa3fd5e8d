/**
 * The operations HTTP server, on node:http alone: `GET /metrics` (Prometheus text format 0.0.4) and
 * `GET /health` (JSON; 200 when ok, 503 when degraded). Anything else is 404; a known path with another
 * method is 405. Binds to the configured host, 127.0.0.1 unless configured otherwise.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROMETHEUS_CONTENT_TYPE } from './metrics.js';

export interface HttpServerOptions {
  host: string;
  /** 0 picks a free port; read it from the returned `port` */
  port: number;
  metrics: () => Promise<string>;
  health: () => Promise<object>;
  /** called with errors of the callbacks (the response is a 500 without the error's text) */
  onError?: (e: unknown) => void;
}

export interface HttpServerHandle {
  host: string;
  port: number;
  url: string;
  close: () => Promise<void>;
}

const PATHS = new Set(['/metrics', '/health']);

export async function startHttpServer(opts: HttpServerOptions): Promise<HttpServerHandle> {
  const send = (res: ServerResponse, status: number, type: string, body: string, extra = {}) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...extra });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!PATHS.has(path)) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { allow: 'GET, HEAD' });
    try {
      if (path === '/metrics') return send(res, 200, PROMETHEUS_CONTENT_TYPE, await opts.metrics());
      const report = (await opts.health()) as { status?: string };
      const status = report.status === 'ok' ? 200 : 503;
      return send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(report, null, 2)}\n`);
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
