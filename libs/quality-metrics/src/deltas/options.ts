import { z } from 'zod';
import type { DeclaredField } from '../types.js';
import { type Duration, durationSchema, resolveOptions } from '../validate-options.js';

/** A `unique` rule of the pipeline's rule set: its id and the fields of its key. */
export interface UniqueRuleInfo {
  readonly ruleId: string;
  /**
   * The key's fields. A record is checked by the rule when its key is present: a single field not
   * null, or several not all null (the rule engine's own definition of a key).
   */
  readonly fields: readonly string[];
}

/** The `freshness` rule of the pipeline's rule set. */
export interface FreshnessRuleInfo {
  /** Event-time field, epoch ms. */
  readonly field: string;
  /** The rule's maxAge in ms: a record is fresh when evaluated at most this long after its event time. */
  readonly slaMs: number;
}

/**
 * Bounds of a window delta. Give the same values to the accumulators, mergeWindowDeltas, the
 * reducer and windowMetrics: they decide which fields and samples a delta keeps, and every process
 * must keep the same ones for deltas to add up exactly.
 */
export interface QualityDeltaLimits {
  /**
   * Declared fields (the pipeline's output schema): always counted, never truncated; the
   * non-nullable ones make up the completeness of the score. With none declared, every field seen
   * counts. Default none.
   */
  readonly fields: readonly DeclaredField[];
  /**
   * Field names always counted but not scored, e.g. the fields of completeness and validity
   * expectations (expectationFields), so no window can leave them out. Default none.
   */
  readonly trackFields: readonly string[];
  /**
   * Other fields reported per window. Past it, the smallest names (string order) are kept and the
   * window says fieldsTruncated: a choice that does not depend on which records a delta holds, so
   * the kept fields' counts stay exact after any merge. Default 200.
   */
  readonly maxFields: number;
  /** Failing record ids kept per rule per window as evidence (the smallest ids). Default 3. */
  readonly maxSamplesPerRule: number;
}

export interface QualityDeltaAccumulatorOptions extends Partial<QualityDeltaLimits> {
  /** The pipeline whose `.processed` records are added. */
  readonly pipelineId: string;
  /** Tumbling window size, aligned to the epoch (a 1m window starts on a whole minute). Default `1m`. */
  readonly windowSize?: Duration;
  /** The rule set's `unique` rules; none (the default) makes `uniqueness` null. */
  readonly uniqueRules?: readonly UniqueRuleInfo[];
  /** The rule set's `freshness` rule; absent (the default) makes `freshness` null. */
  readonly freshness?: FreshnessRuleInfo;
}

export const qualityDeltaDefaults: QualityDeltaLimits & { readonly windowSize: Duration } = Object.freeze({
  windowSize: '1m',
  fields: Object.freeze([]),
  trackFields: Object.freeze([]),
  maxFields: 200,
  maxSamplesPerRule: 3,
});

export const limitsShape = {
  fields: z.array(z.looseObject({ name: z.string().min(1), nullable: z.boolean().optional() })),
  trackFields: z.array(z.string().min(1)),
  maxFields: z.number().int().nonnegative(),
  maxSamplesPerRule: z.number().int().nonnegative(),
};

const limitsSchema = z.strictObject(limitsShape);

const accumulatorSchema = z.strictObject({
  ...limitsShape,
  pipelineId: z.string().min(1),
  windowSize: durationSchema.refine((ms) => ms > 0, 'must be longer than 0'),
  uniqueRules: z.array(z.strictObject({ ruleId: z.string().min(1), fields: z.array(z.string().min(1)).min(1) })).default([]),
  freshness: z.strictObject({ field: z.string().min(1), slaMs: z.number().int().nonnegative() }).optional(),
});

/** Limits validated, with the set of names always tracked (declared and trackFields). */
export interface ResolvedDeltaLimits extends QualityDeltaLimits {
  readonly tracked: ReadonlySet<string>;
}

export type ResolvedAccumulatorOptions = Omit<z.output<typeof accumulatorSchema>, keyof QualityDeltaLimits> & ResolvedDeltaLimits;

export function withTracked<L extends QualityDeltaLimits>(limits: L): L & ResolvedDeltaLimits {
  const tracked = new Set([...limits.fields.map((f) => f.name), ...limits.trackFields]);
  return Object.freeze({ ...limits, tracked });
}

export function resolveDeltaLimits(limits: Partial<QualityDeltaLimits> = {}): ResolvedDeltaLimits {
  const { fields, trackFields, maxFields, maxSamplesPerRule } = qualityDeltaDefaults;
  return withTracked(resolveOptions(limitsSchema, { fields, trackFields, maxFields, maxSamplesPerRule }, limits, 'quality delta limits'));
}

export function resolveAccumulatorOptions(options: QualityDeltaAccumulatorOptions): ResolvedAccumulatorOptions {
  return withTracked(resolveOptions(accumulatorSchema, qualityDeltaDefaults, options, 'quality delta accumulator options'));
}
