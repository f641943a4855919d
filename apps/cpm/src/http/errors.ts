import { BrokerError, isConnectionFailure } from '@tributary/broker';
import { IngestParseError, IngestTooLargeError, StagingError, UnsupportedMediaTypeError } from '@tributary/staging';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { CpmHttpError } from '../errors.js';
import { requestLocals } from './request-context.js';

/** The one error body of the API. */
export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

/** What body-parser (express.raw/json) attaches to its errors. */
interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
  length?: number;
  charset?: string;
  encoding?: string;
}

const isBodyParserError = (err: unknown): err is BodyParserError =>
  err instanceof Error && typeof (err as BodyParserError).type === 'string' && typeof (err as BodyParserError).status === 'number';

/** Maps every known failure to its HTTP answer; undefined means "not known": a bug, answered 500. */
export function toHttpError(err: unknown, retryAfterSeconds: number): CpmHttpError | undefined {
  if (err instanceof CpmHttpError) return err;
  if (err instanceof IngestParseError) return new CpmHttpError(400, err.code, err.message, { ...err.details }, { cause: err });
  if (err instanceof IngestTooLargeError) return new CpmHttpError(413, err.code, err.message, { ...err.details }, { cause: err });
  if (err instanceof UnsupportedMediaTypeError) return new CpmHttpError(415, err.code, err.message, { ...err.details }, { cause: err });
  if (err instanceof StagingError) return undefined; // options/field-spec bugs: not the client's fault
  if (isBodyParserError(err)) {
    switch (err.type) {
      case 'entity.too.large':
        return new CpmHttpError(413, 'TRIB_INGEST_TOO_LARGE', `body is over the limit of ${err.limit} bytes`, {
          limit: 'maxBodyBytes',
          max: err.limit,
          actual: err.length,
        });
      case 'charset.unsupported':
      case 'encoding.unsupported':
        return new CpmHttpError(415, 'TRIB_INGEST_UNSUPPORTED_MEDIA_TYPE', err.message, {
          charset: err.charset,
          encoding: err.encoding,
        });
      default:
        if (err.status !== undefined && err.status >= 400 && err.status < 500) {
          return new CpmHttpError(err.status, 'TRIB_REQUEST_MALFORMED', err.message, { reason: err.type });
        }
    }
  }
  if ((err instanceof BrokerError && err.retriable) || isConnectionFailure(err)) {
    return new CpmHttpError(503, 'TRIB_BROKER_UNREACHABLE', 'Kafka is unreachable; retry later', {}, {
      cause: err,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
  return undefined;
}

export function sendError(res: Parameters<RequestHandler>[1], e: CpmHttpError): void {
  for (const [name, value] of Object.entries(e.headers)) res.setHeader(name, value);
  const body: ErrorBody = { error: { code: e.code, message: e.message, details: e.details } };
  res.status(e.status).json(body);
}

/** Unknown routes: 404 in the error shape. */
export function routeNotFound(): RequestHandler {
  return (req, _res, next) => {
    next(new CpmHttpError(404, 'TRIB_ROUTE_NOT_FOUND', `no route ${req.method} ${req.path}`, { method: req.method, path: req.path }));
  };
}

/**
 * The last middleware: known failures get their status and code; anything else is logged with its
 * stack and answered 500 with the request id only (no stack, no internal message in the body).
 */
export function errorHandler(retryAfterSeconds: number): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const { requestId, log } = requestLocals(res);
    const known = toHttpError(err, retryAfterSeconds);
    if (known) {
      if (known.status >= 500) log.warn({ err: known.cause ?? known, code: known.code }, known.message);
      sendError(res, known);
      return;
    }
    log.error({ err }, 'unhandled error');
    sendError(res, new CpmHttpError(500, 'TRIB_INTERNAL', `internal error; quote request id ${requestId}`, { requestId }));
  };
}
