import type { Redis } from 'ioredis';
import { z } from 'zod';
import { resolveOptions } from '../validate-options.js';

export interface BaselineStoreOptions {
  /**
   * The client, created and closed by the caller (the store holds no connection of its own, so it has
   * no close()). For fast failure while Redis is down, create it with `maxRetriesPerRequest: 0` or
   * `enableOfflineQueue: false`; with ioredis' defaults commands wait for a reconnection, and the store
   * gives up after `timeoutMs` instead.
   */
  readonly redis: Redis;
  /** Prefix of every key (see storeKeys). Default `tributary:monitoring`. */
  readonly prefix?: string;
  /** Series written or read per pipelined round trip. Default 500. */
  readonly batchSize?: number;
  /** A call that has not completed after this many ms fails with TRIB_BASELINE_STORE_UNAVAILABLE. Default 5,000. */
  readonly timeoutMs?: number;
  /**
   * Baselines not written for this long expire, so series that disappeared do not stay for ever
   * (0: never). Default 1,209,600 (14 days: longer than the seasonality needs to be re-learned).
   */
  readonly ttlSeconds?: number;
  /** How long a writer's mark lives without a flush (see BaselineBook.flush). Default 86,400 (1 day). */
  readonly writerTtlSeconds?: number;
}

export const baselineStoreDefaults = Object.freeze({
  prefix: 'tributary:monitoring',
  batchSize: 500,
  timeoutMs: 5_000,
  ttlSeconds: 14 * 24 * 3600,
  writerTtlSeconds: 24 * 3600,
});

const schema = z.strictObject({
  redis: z.custom<Redis>((r) => typeof r === 'object' && r !== null && typeof (r as { multi?: unknown }).multi === 'function', 'must be an ioredis client'),
  prefix: z
    .string()
    .min(1)
    .regex(/^[^\s]+$/, 'must not contain whitespace'),
  batchSize: z.number().int().min(1).max(100_000),
  timeoutMs: z.number().int().positive(),
  ttlSeconds: z.number().int().nonnegative(),
  writerTtlSeconds: z.number().int().positive(),
});

export type ResolvedBaselineStoreOptions = z.output<typeof schema>;

export function resolveBaselineStoreOptions(options: BaselineStoreOptions): ResolvedBaselineStoreOptions {
  return resolveOptions(schema, baselineStoreDefaults, options, 'baseline store options');
}
