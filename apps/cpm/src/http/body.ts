import express, { type RequestHandler } from 'express';
import { CpmHttpError } from '../errors.js';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
  length?: number;
}

/** Turns body-parser failures into the API's errors (ingest keeps its own codes, see http/errors.ts). */
function mapped(parser: RequestHandler, limit: number): RequestHandler {
  return (req, res, next) => {
    parser(req, res, (err?: unknown) => {
      if (err === undefined || err === null) {
        next();
        return;
      }
      const e = err as BodyParserError;
      if (e.type === 'entity.too.large') {
        next(new CpmHttpError(413, 'TRIB_REQUEST_TOO_LARGE', `body is over the limit of ${limit} bytes`, { limit, actual: e.length }));
      } else if (e.type === 'charset.unsupported' || e.type === 'encoding.unsupported') {
        next(new CpmHttpError(415, 'TRIB_UNSUPPORTED_MEDIA_TYPE', e.message, {}));
      } else if (e.type === 'entity.parse.failed') {
        next(new CpmHttpError(400, 'TRIB_REQUEST_MALFORMED', `body is not valid JSON: ${e.message}`, { reason: e.type }));
      } else if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
        next(new CpmHttpError(e.status, 'TRIB_REQUEST_MALFORMED', e.message, { reason: e.type }));
      } else {
        next(err);
      }
    });
  };
}

/**
 * A JSON body of at most `limit` bytes (strict: an object or array). Bodies of other types are
 * refused with 415 so a client never has its data silently ignored; an empty body is `{}`.
 */
export function jsonBody(limit: number): RequestHandler[] {
  return [
    (req, _res, next) => {
      const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
      if (hasBody && !req.is('application/json')) {
        next(new CpmHttpError(415, 'TRIB_UNSUPPORTED_MEDIA_TYPE', 'this route takes application/json', { contentType: req.get('content-type') ?? null }));
        return;
      }
      next();
    },
    mapped(express.json({ limit, strict: true, type: 'application/json' }), limit),
  ];
}

/** A text body of at most `limit` bytes, whatever its type (the route decides which types it takes). */
export function textBody(limit: number): RequestHandler {
  return mapped(express.text({ limit, type: () => true }), limit);
}
