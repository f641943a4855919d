import { randomUUID } from 'node:crypto';
import type { Logger } from '@tributary/observability';
import type { RequestHandler, Response } from 'express';

/** A client-sent `X-Request-Id` is kept when it matches this; otherwise a new UUID is used. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export interface RequestLocals {
  requestId: string;
  log: Logger;
}

export function requestLocals(res: Response): RequestLocals {
  return res.locals as RequestLocals;
}

/**
 * Gives every request an id (the client's `X-Request-Id` when valid, else a UUID), echoes it in the
 * response, binds it to a per-request logger, and logs one line per finished request. Headers are not
 * logged at all (the logger would redact `authorization` anyway), so keys never reach the logs.
 */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const sent = req.get('x-request-id');
    const requestId = sent !== undefined && REQUEST_ID_PATTERN.test(sent) ? sent : randomUUID();
    const log = logger.child({ requestId });
    res.locals.requestId = requestId;
    res.locals.log = log;
    res.setHeader('X-Request-Id', requestId);
    if (sent !== undefined && sent !== requestId) log.warn('invalid X-Request-Id replaced');
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.info({ method: req.method, path: req.path, status: res.statusCode, durationMs: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  };
}
