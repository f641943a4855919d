import { z } from 'zod';
import { type QualityDeltaLimits, type ResolvedDeltaLimits, limitsShape, qualityDeltaDefaults, withTracked } from '../deltas/options.js';
import { type Duration, durationSchema, resolveOptions } from '../validate-options.js';

/** Relative weight of each quality dimension in the score (see qualityScore). */
export interface ScoreWeights {
  readonly validity: number;
  readonly completeness: number;
  readonly uniqueness: number;
  readonly freshness: number;
}

/** How window metrics are computed from a delta: which fields count, how the score weighs. */
export interface QualityMetricsTuning extends QualityDeltaLimits {
  /** Default validity 0.4, completeness 0.3, uniqueness 0.15, freshness 0.15 (see qualityScore). */
  readonly scoreWeights: ScoreWeights;
}

export interface QualityWindowTuning extends QualityMetricsTuning {
  /**
   * Sizes of the windows the reducer closes, e.g. `['1m', '1h']` for a pipeline with hourly
   * expectations (expectationWindowSizes). Each must be a multiple of the size of the deltas it is
   * fed: a 1h window is the sum of the 1m deltas in it, so the quality manager writes deltas of one
   * size only. Default `['1m']`.
   */
  readonly windowSizes: readonly Duration[];
  /**
   * How far the deltas must have moved past a window's end before it closes. The reducer knows the
   * stream reached at least the start of the newest window it has a delta for; a window closes when
   * that start minus allowedLateness reaches its end. Deltas of one window from several partitions,
   * written by transactions minutes apart, all count as long as they arrive within it: make it cover
   * the spread of consumer lag between a pipeline's partitions. Default `30s`.
   */
  readonly allowedLateness: Duration;
  /**
   * A window that got no delta for longer than this, and whose end is at least allowedLateness in
   * the past, closes (closedBy `idle`): how the last window of a pipeline that went quiet closes.
   * Measured in the `now` given to add (the delta's Kafka timestamp) and to flush (the clock).
   * Default: allowedLateness.
   */
  readonly idleTimeout?: Duration;
  /**
   * A delta whose window starts more than this after the delta was written (a producer clock far
   * ahead) is counted in `future` and not merged, so it cannot close every open window. Default `5m`.
   */
  readonly futureTolerance: Duration;
  /** Open windows per window size; one more closes the oldest early (closedBy `capacity`). Default 10. */
  readonly maxOpenWindows: number;
  /**
   * Empty windows reported in a row between two windows with data (volume 0 is a finding), after
   * which the reducer stays silent until data returns. Default 60.
   */
  readonly maxGapWindows: number;
}

export interface QualityWindowReducerOptions extends Partial<QualityWindowTuning> {
  /** The pipeline whose deltas this reducer merges. */
  readonly pipelineId: string;
}

export const qualityWindowDefaults: Omit<QualityWindowTuning, 'idleTimeout'> = Object.freeze({
  fields: qualityDeltaDefaults.fields,
  trackFields: qualityDeltaDefaults.trackFields,
  maxFields: qualityDeltaDefaults.maxFields,
  maxSamplesPerRule: qualityDeltaDefaults.maxSamplesPerRule,
  // Validity weighs most: a quarantined record is lost to consumers; a null or a duplicate degrades one.
  scoreWeights: Object.freeze({ validity: 0.4, completeness: 0.3, uniqueness: 0.15, freshness: 0.15 }),
  windowSizes: Object.freeze(['1m']),
  allowedLateness: '30s',
  futureTolerance: '5m',
  maxOpenWindows: 10,
  maxGapWindows: 60,
});

const weight = z.number().finite().nonnegative();

const metricsShape = {
  ...limitsShape,
  scoreWeights: z
    .strictObject({ validity: weight, completeness: weight, uniqueness: weight, freshness: weight })
    .refine((w) => w.validity + w.completeness + w.uniqueness + w.freshness > 0, 'weights must not all be 0'),
};

const metricsSchema = z.strictObject(metricsShape);

const reducerSchema = z.strictObject({
  ...metricsShape,
  pipelineId: z.string().min(1),
  windowSizes: z
    .array(durationSchema.refine((ms) => ms > 0, 'must be longer than 0'))
    .min(1)
    .transform((sizes) => [...new Set(sizes)].sort((a, b) => a - b)),
  allowedLateness: durationSchema,
  idleTimeout: durationSchema.optional(),
  futureTolerance: durationSchema,
  maxOpenWindows: z.number().int().min(1),
  maxGapWindows: z.number().int().nonnegative(),
});

export type ResolvedMetricsOptions = z.output<typeof metricsSchema> & ResolvedDeltaLimits;

export type ResolvedReducerOptions = Omit<z.output<typeof reducerSchema>, 'idleTimeout'> & ResolvedDeltaLimits & { readonly idleTimeout: number };

export function resolveMetricsOptions(options: Partial<QualityMetricsTuning>): ResolvedMetricsOptions {
  const { fields, trackFields, maxFields, maxSamplesPerRule, scoreWeights } = qualityWindowDefaults;
  return withTracked(
    resolveOptions(metricsSchema, { fields, trackFields, maxFields, maxSamplesPerRule, scoreWeights }, options, 'quality window metrics options'),
  );
}

export function resolveReducerOptions(options: QualityWindowReducerOptions): ResolvedReducerOptions {
  const resolved = resolveOptions(reducerSchema, qualityWindowDefaults, options, 'quality window reducer options');
  return withTracked({ ...resolved, idleTimeout: resolved.idleTimeout ?? resolved.allowedLateness });
}
