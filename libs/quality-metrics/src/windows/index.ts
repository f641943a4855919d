export { emptyDelta, metricsOf, windowMetrics } from './metrics.js';
export type { QualityWindowMetricsOptions, WindowClosing } from './metrics.js';
export { qualityWindowDefaults, resolveMetricsOptions, resolveReducerOptions } from './options.js';
export type {
  QualityMetricsTuning,
  QualityWindowReducerOptions,
  QualityWindowTuning,
  ResolvedMetricsOptions,
  ResolvedReducerOptions,
  ScoreWeights,
} from './options.js';
export { QualityWindowReducer } from './reducer.js';
export { qualityScore } from './score.js';
export type { QualityDimensions } from './score.js';
