import { createHash } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { CpmHttpError } from '../errors.js';
import { type ApiKeyRing, type Role, roleAllows } from './api-keys.js';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * `Authorization: Bearer <key>` with at least `required`'s privileges: 401 without a valid key,
 * 403 with a key whose role is too weak. The role is left in `res.locals.role`, and who is calling in
 * `res.locals.principal` (see {@link principalOf}).
 */
export function requireRole(keys: ApiKeyRing, required: Role): RequestHandler {
  return (req, res, next) => {
    const header = req.get('authorization');
    const challenge = { 'WWW-Authenticate': 'Bearer realm="tributary"' };
    if (header === undefined || header.trim() === '') {
      next(new CpmHttpError(401, 'TRIB_AUTH_MISSING', 'an API key is required: Authorization: Bearer <key>', {}, { headers: challenge }));
      return;
    }
    const match = BEARER.exec(header);
    const role = match?.[1] === undefined ? undefined : keys.roleOf(match[1]);
    if (role === undefined) {
      next(new CpmHttpError(401, 'TRIB_AUTH_INVALID', 'the API key is not valid', {}, { headers: challenge }));
      return;
    }
    res.locals.role = role;
    res.locals.principal = principalOf(role, match?.[1] ?? '');
    if (!roleAllows(role, required)) {
      next(new CpmHttpError(403, 'TRIB_FORBIDDEN', `this needs the ${required} role`, { required, role }));
      return;
    }
    next();
  };
}

/**
 * Who sent a request, for `requestedBy` on commands: the role and a short fingerprint of the key
 * (12 hex digits of its SHA-256), so audits can tell keys apart without the key ever being written.
 */
export function principalOf(role: string, key: string): string {
  return `apikey:${role}:${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 12)}`;
}

/** The principal `requireRole` left on the response. */
export function principal(res: Response): string {
  const p: unknown = res.locals.principal;
  return typeof p === 'string' ? p : 'unknown';
}
