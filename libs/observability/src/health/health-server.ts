import { createServer, type Server } from 'node:http';
import type { MetricsRequestHandler } from '../metrics/index.js';

export interface HealthServerDeps {
  port: number;
  /** True when the service's dependencies answer and its consumer groups joined (`/readyz` 200, else 503). */
  ready(): boolean;
  /** Serves GET /metrics. */
  metrics: MetricsRequestHandler;
}

export interface HealthServer {
  listen(): Promise<void>;
  /** The bound port (useful with port 0). */
  readonly port: number;
  close(): Promise<void>;
}

/** The tiny HTTP face every service has: `/healthz` (alive), `/readyz`, `/metrics`. */
export function createHealthServer(deps: HealthServerDeps): HealthServer {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path === '/healthz' || path === '/readyz') {
      const ok = path === '/healthz' || deps.ready();
      res.statusCode = ok ? 200 : 503;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ status: ok ? 'ok' : 'not ready' }));
      return;
    }
    deps.metrics(req, res);
  });
  return {
    listen: () => new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(deps.port, () => resolve());
    }),
    get port() {
      const address = server.address();
      return typeof address === 'object' && address !== null ? address.port : deps.port;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
