import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ProcessorHttpError } from '../errors.js';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * `Authorization: Bearer <token>` when a token is configured (the CPM sends PROCESSOR_TOKEN); without
 * one every call is accepted, which is only for a processor reachable by the CPM alone.
 */
export function requireToken(token: string | undefined): RequestHandler {
  const expected = token === undefined ? undefined : Buffer.from(token, 'utf8');
  return (req, _res, next) => {
    if (!expected) {
      next();
      return;
    }
    const challenge = { 'WWW-Authenticate': 'Bearer realm="tributary-processor"' };
    const header = req.get('authorization');
    if (header === undefined || header.trim() === '') {
      next(new ProcessorHttpError(401, 'TRIB_AUTH_MISSING', 'a token is required: Authorization: Bearer <token>', {}, { headers: challenge }));
      return;
    }
    const sent = Buffer.from(BEARER.exec(header)?.[1] ?? '', 'utf8');
    // Constant time, so the token cannot be guessed byte by byte from response times.
    if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
      next(new ProcessorHttpError(401, 'TRIB_AUTH_INVALID', 'the token is not valid', {}, { headers: challenge }));
      return;
    }
    next();
  };
}
