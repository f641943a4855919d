import { z } from 'zod';
import { StagingOptionsError } from '../errors.js';

/** Limits of one ingest request. Passing any of them is TRIB_INGEST_TOO_LARGE (HTTP 413). */
export interface IngestLimits {
  /** Most records in one request. Default 10,000. */
  readonly maxRecords: number;
  /**
   * Most bytes in one record, measured the same way for every format: the UTF-8 length of
   * `JSON.stringify(record)` (what the record weighs on the `.raw` topic, whatever it was sent as).
   * Default 64 KiB.
   */
  readonly maxRecordBytes: number;
  /**
   * Most bytes in the body, checked before anything is decoded so a huge body costs nothing to
   * refuse. The HTTP layer should refuse earlier still, from Content-Length. Default 16 MiB.
   */
  readonly maxBodyBytes: number;
}

export const ingestLimitDefaults: IngestLimits = Object.freeze({
  maxRecords: 10_000,
  maxRecordBytes: 64 * 1024,
  maxBodyBytes: 16 * 1024 * 1024,
});

const positiveInt = z.number().int().positive();
const limitsSchema = z.strictObject({
  maxRecords: positiveInt,
  maxRecordBytes: positiveInt,
  maxBodyBytes: positiveInt,
});

/** Defaults merged with `overrides` (which is not modified), validated once. */
export function resolveIngestLimits(overrides: Partial<IngestLimits> = {}): IngestLimits {
  const result = limitsSchema.safeParse({ ...ingestLimitDefaults, ...overrides });
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new StagingOptionsError(
      'TRIB_STAGING_OPTIONS_INVALID',
      `invalid ingest limits: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return Object.freeze(result.data);
}
