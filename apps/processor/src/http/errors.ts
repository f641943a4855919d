import { DefinitionError } from '@tributary/pipelines';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { ProcessorHttpError } from '../errors.js';

/** The one error body of the API (the CPM's shape). */
export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

/** What body-parser (express.json) attaches to its errors. */
interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
  length?: number;
}

const isBodyParserError = (err: unknown): err is BodyParserError =>
  err instanceof Error && typeof (err as BodyParserError).type === 'string' && typeof (err as BodyParserError).status === 'number';

/** Maps every known failure to its HTTP answer; undefined means "not known": a bug, answered 500. */
export function toHttpError(err: unknown): ProcessorHttpError | undefined {
  if (err instanceof ProcessorHttpError) return err;
  if (err instanceof DefinitionError) {
    return new ProcessorHttpError(400, 'TRIB_DEFINITION_INVALID', err.message, { issues: err.details }, { cause: err });
  }
  if (isBodyParserError(err)) {
    if (err.type === 'entity.too.large') {
      return new ProcessorHttpError(413, 'TRIB_PREVIEW_TOO_LARGE', `body is over the limit of ${err.limit} bytes`, {
        limit: 'previewMaxBytes',
        max: err.limit,
        actual: err.length,
      });
    }
    if (err.status !== undefined && err.status >= 400 && err.status < 500) {
      return new ProcessorHttpError(err.status, 'TRIB_REQUEST_MALFORMED', err.message, { reason: err.type });
    }
  }
  return undefined;
}

export function sendError(res: Response, e: ProcessorHttpError): void {
  for (const [name, value] of Object.entries(e.headers)) res.setHeader(name, value);
  const body: ErrorBody = { error: { code: e.code, message: e.message, details: e.details } };
  res.status(e.status).json(body);
}

/** Unknown routes: 404 in the error shape. */
export function routeNotFound(): RequestHandler {
  return (req, _res, next) => {
    next(new ProcessorHttpError(404, 'TRIB_ROUTE_NOT_FOUND', `no route ${req.method} ${req.path}`, { method: req.method, path: req.path }));
  };
}

/** The last middleware: known failures get their status and code; anything else is logged and answered 500. */
export function errorHandler(log: { error(obj: object, msg: string): void }): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const known = toHttpError(err);
    if (known) {
      sendError(res, known);
      return;
    }
    log.error({ err }, 'unhandled error');
    sendError(res, new ProcessorHttpError(500, 'TRIB_INTERNAL', 'internal error', {}));
  };
}
