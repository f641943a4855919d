import { z } from 'zod';
import { StagingOptionsError } from '../errors.js';

export interface KeyDeduperOptions {
  /**
   * Keys remembered at most; past it the least recently seen key is forgotten (and a later duplicate
   * of it gets through). Bounds memory at roughly maxKeys × (key length + ~80 bytes). Default 100,000.
   */
  readonly maxKeys: number;
  /**
   * How long after the first accepted sighting of a key a repeat counts as a duplicate, in ms. The
   * window is not extended by duplicates, so a key repeated forever still gets through once per
   * window. Default 600,000 (10 minutes).
   */
  readonly windowMs: number;
}

export const keyDeduperDefaults: KeyDeduperOptions = Object.freeze({
  maxKeys: 100_000,
  windowMs: 10 * 60 * 1000,
});

const schema = z.strictObject({
  maxKeys: z.number().int().positive(),
  windowMs: z.number().int().positive(),
});

/** Defaults merged with `overrides` (which is not modified), validated once. */
export function resolveKeyDeduperOptions(overrides: Partial<KeyDeduperOptions> = {}): KeyDeduperOptions {
  const result = schema.safeParse({ ...keyDeduperDefaults, ...overrides });
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new StagingOptionsError(
      'TRIB_STAGING_OPTIONS_INVALID',
      `invalid key deduper options: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return Object.freeze(result.data);
}
