import { createServer, type Server, type ServerResponse } from 'node:http';
import { createMetricsHandler, type TributaryMetrics } from '@tributary/observability';

export interface OpsServerDeps {
  port: number;
  /** Readiness: views caught up and consumer group joined. */
  ready: () => boolean;
  metrics: TributaryMetrics;
}

export interface OpsServer {
  listen(): Promise<void>;
  /** Where it listens (after `listen()`); port 0 picks a free port. */
  address(): ReturnType<Server['address']>;
  close(): Promise<void>;
}

/** The operations endpoints every service answers: `/healthz`, `/readyz`, `/metrics`. */
export function createOpsServer(deps: OpsServerDeps): OpsServer {
  const metricsHandler = createMetricsHandler(deps.metrics);
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path === '/healthz') return json(res, 200, { status: 'ok' });
    if (path === '/readyz') return deps.ready() ? json(res, 200, { status: 'ready' }) : json(res, 503, { status: 'starting' });
    metricsHandler(req, res, () => json(res, 404, { error: { code: 'TRIB_ROUTE_NOT_FOUND', message: `No route ${path}` } }));
  });
  return {
    listen: () =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(deps.port, () => resolve());
      }),
    address: () => server.address(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Idle keep-alive connections (Prometheus scrapers) would otherwise hold close() open.
        server.closeIdleConnections();
      }),
  };
}
