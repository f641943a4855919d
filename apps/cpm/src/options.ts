import { ingestLimitDefaults, type IngestLimits } from '@tributary/staging';
import { z } from 'zod';
import { CpmConfigError } from './errors.js';

/** Behaviour of the HTTP edge. Defaults live in {@link cpmDefaults}. */
export interface CpmOptions {
  /** How long ingest waits for Kafka to acknowledge a request's records before answering 503. Default 10 s. */
  ingestAckTimeoutMs: number;
  /** How long the pre-publish Kafka probe may take before Kafka counts as unreachable. Default 2 s. */
  kafkaProbeTimeoutMs: number;
  /** A successful Kafka probe is trusted for this long, so ingest does not pay for it per request. Default 1 s. */
  kafkaProbeCacheMs: number;
  /** `Retry-After` (seconds) on 503 answers. Default 5. */
  retryAfterSeconds: number;
  /** Body, record-count and record-size limits of ingest (see docs/staging.md). Default `ingestLimitDefaults`. */
  ingestLimits: IngestLimits;
}

/** What callers pass: any option, and any subset of the ingest limits. */
export type CpmOptionsInput = Partial<Omit<CpmOptions, 'ingestLimits'>> & { ingestLimits?: Partial<IngestLimits> };

export const cpmDefaults: Readonly<CpmOptions> = Object.freeze({
  ingestAckTimeoutMs: 10_000,
  kafkaProbeTimeoutMs: 2_000,
  kafkaProbeCacheMs: 1_000,
  retryAfterSeconds: 5,
  ingestLimits: { ...ingestLimitDefaults },
});

const positiveInt = z.number().int().min(1);
const optionsSchema = z.object({
  ingestAckTimeoutMs: positiveInt,
  kafkaProbeTimeoutMs: positiveInt,
  kafkaProbeCacheMs: z.number().int().min(0),
  retryAfterSeconds: positiveInt,
  ingestLimits: z.object({ maxBodyBytes: positiveInt, maxRecords: positiveInt, maxRecordBytes: positiveInt }),
});

/** Merges overrides over the defaults (the caller's object is not modified) and validates the result. */
export function resolveCpmOptions(overrides: CpmOptionsInput = {}): Readonly<CpmOptions> {
  const merged = {
    ...cpmDefaults,
    ...overrides,
    ingestLimits: { ...cpmDefaults.ingestLimits, ...overrides.ingestLimits },
  };
  const parsed = optionsSchema.safeParse(merged);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new CpmConfigError(
      'TRIB_CPM_OPTIONS_INVALID',
      `Invalid CPM options: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return Object.freeze(parsed.data);
}
