import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseOptions } from '../parse-options.js';
import { metricsHandlerOptionsSchema } from './options.js';
import type { MetricsHandlerOptions, MetricsRequestHandler, NextFunction, TributaryMetrics } from './types.js';

/**
 * Serves `GET /metrics` (and HEAD) from a plain `http.createServer` or as express middleware: same
 * `(req, res, next?)` signature. Other paths go to `next` when there is one, else get a 404.
 */
export function createMetricsHandler(metrics: TributaryMetrics, options: MetricsHandlerOptions = {}): MetricsRequestHandler {
  const { path } = parseOptions(metricsHandlerOptionsSchema, options, 'createMetricsHandler');

  return (req, res, next) => {
    // express strips a mount path from req.url (`app.use('/metrics', h)`), never from originalUrl.
    const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    const pathname = url.split('?', 1)[0];
    if (pathname !== path) {
      if (next) next();
      else send(res, 404, 'text/plain; charset=utf-8', 'Not Found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(res, 405, 'text/plain; charset=utf-8', 'Method Not Allowed\n');
      return;
    }
    void serve(metrics, req, res, next);
  };
}

async function serve(metrics: TributaryMetrics, req: IncomingMessage, res: ServerResponse, next?: NextFunction): Promise<void> {
  try {
    const body = await metrics.render();
    send(res, 200, metrics.contentType, req.method === 'HEAD' ? undefined : body, Buffer.byteLength(body));
  } catch (error) {
    if (next) next(error);
    else send(res, 500, 'text/plain; charset=utf-8', 'Internal Server Error\n');
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string | undefined, length?: number): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  // Scrapes must see fresh numbers, never a proxy's copy.
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', length ?? Buffer.byteLength(body ?? ''));
  res.end(body);
}
