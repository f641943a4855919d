export { QualityDeltaAccumulator } from './accumulator.js';
export { LAG_BUCKET_COUNT, LAG_BUCKET_UPPER_BOUNDS_MS, lagBucketIndex } from './lag-buckets.js';
export { mergeDeltas, mergeWindowDeltas } from './merge.js';
export { qualityDeltaDefaults, resolveDeltaLimits, withTracked } from './options.js';
export type { FreshnessRuleInfo, QualityDeltaAccumulatorOptions, QualityDeltaLimits, ResolvedDeltaLimits, UniqueRuleInfo } from './options.js';
export { parseWindowDelta } from './parse.js';
export type {
  EvaluatedRecord,
  FieldDeltaCounts,
  FreshnessDeltaCounts,
  QualityWindowDelta,
  RuleDeltaCounts,
  RuleFailure,
  UniquenessDeltaCounts,
} from './types.js';
