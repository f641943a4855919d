import { z } from 'zod';
import { StagingOptionsError } from '../errors.js';
import type { IngestFormat } from '../types.js';
import type { ZonelessPolicy } from './timestamp.js';

/** What to do with a property the field list does not declare. */
export type ExtraFieldsPolicy = 'drop' | 'keep' | 'reject';

/** How records are checked and typed. See docs/staging.md for the full coercion table. */
export interface ValidationPolicy {
  /**
   * Format the records came in, which picks the coercion rules. 'json' and 'ndjson' are strict: a
   * value must already have its JSON type (no "42" for an int). 'csv' also accepts the text forms
   * (CSV has only strings): numeric text for numbers, true/false for booleans, digits for epoch ms,
   * and an empty cell counts as absent. Default 'json'.
   */
  readonly source: IngestFormat;
  /**
   * Undeclared properties: 'drop' removes them silently (the staged record then matches the input
   * schema exactly, which is what the `.staged` Avro schema needs); 'keep' passes them through
   * unchanged and uncoerced (only useful when the staged schema is open); 'reject' makes each one a
   * per-record error. Default 'drop'.
   */
  readonly extraFields: ExtraFieldsPolicy;
  /**
   * A date-time string without "Z" or an offset: 'reject' refuses it (which instant it means depends on
   * where it was written), 'utc' reads it as UTC. Default 'reject'.
   */
  readonly zonelessTimestamps: ZonelessPolicy;
}

export const validationDefaults: ValidationPolicy = Object.freeze({
  source: 'json',
  extraFields: 'drop',
  zonelessTimestamps: 'reject',
});

const policySchema = z.strictObject({
  source: z.enum(['json', 'ndjson', 'csv']),
  extraFields: z.enum(['drop', 'keep', 'reject']),
  zonelessTimestamps: z.enum(['reject', 'utc']),
});

/** Defaults merged with `overrides` (which is not modified), validated once. */
export function resolveValidationPolicy(overrides: Partial<ValidationPolicy> = {}): ValidationPolicy {
  const result = policySchema.safeParse({ ...validationDefaults, ...overrides });
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new StagingOptionsError(
      'TRIB_STAGING_OPTIONS_INVALID',
      `invalid validation policy: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return Object.freeze(result.data);
}
