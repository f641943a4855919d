import { createHash, timingSafeEqual } from 'node:crypto';
import { CpmConfigError } from '../errors.js';

/** Roles, least to most privileged; each role may do everything the roles before it may. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Shortest key accepted: shorter keys are guessable. */
export const MIN_API_KEY_LENGTH = 16;
const KEY_CHARS = /^[A-Za-z0-9._~+/=-]+$/;

export interface ApiKeyRing {
  /** The role of a presented key, or undefined. Compares against every key in constant time. */
  roleOf(presented: string): Role | undefined;
  readonly size: number;
}

export function roleAllows(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Parses `TRIBUTARY_API_KEYS`: comma-separated `key:role` entries, e.g.
 * `k1…:admin,k2…:operator,k3…:viewer`. Refused with every problem listed (by entry position, never
 * echoing a key): an empty list, an entry without `:`, an unknown role, a key shorter than
 * {@link MIN_API_KEY_LENGTH} or with characters outside `[A-Za-z0-9._~+/=-]`, a duplicate key.
 */
export function parseApiKeys(text: string | undefined): ApiKeyRing {
  const issues: { path: string; message: string }[] = [];
  const entries = (text ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) issues.push({ path: 'TRIBUTARY_API_KEYS', message: 'is empty: at least one key:role entry is needed' });
  const keys: { digest: Buffer; role: Role }[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    const path = `TRIBUTARY_API_KEYS[${i}]`;
    const at = entry.lastIndexOf(':');
    if (at <= 0) {
      issues.push({ path, message: 'expected key:role' });
      return;
    }
    const key = entry.slice(0, at).trim();
    const role = entry.slice(at + 1).trim();
    if (!(ROLES as readonly string[]).includes(role)) {
      issues.push({ path, message: `unknown role ${JSON.stringify(role)}; expected one of ${ROLES.join(', ')}` });
    }
    if (key.length < MIN_API_KEY_LENGTH) issues.push({ path, message: `key is shorter than ${MIN_API_KEY_LENGTH} characters` });
    else if (!KEY_CHARS.test(key)) issues.push({ path, message: 'key has characters outside [A-Za-z0-9._~+/=-]' });
    if (seen.has(key)) issues.push({ path, message: 'duplicate key' });
    seen.add(key);
    keys.push({ digest: digest(key), role: role as Role });
  });
  if (issues.length > 0) {
    throw new CpmConfigError(
      'TRIB_CPM_API_KEYS_INVALID',
      `Invalid TRIBUTARY_API_KEYS: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return {
    size: keys.length,
    roleOf(presented) {
      // Fixed-length digests make timingSafeEqual applicable whatever the presented length, and every
      // key is compared (no early exit), so timing says nothing about which key nearly matched.
      const d = digest(presented);
      let found: Role | undefined;
      for (const k of keys) if (timingSafeEqual(d, k.digest)) found ??= k.role;
      return found;
    },
  };
}
