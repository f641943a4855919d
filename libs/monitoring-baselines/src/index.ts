// The only public door of @tributary/monitoring-baselines: series keys, rolling baselines (counter
// rates, gauge values, histogram means; hour-of-day seasonality), anomaly detection against them,
// and their Redis store. Everything but BaselineStore (and BaselineBook's flush/restore) is pure:
// no I/O, no clock; time comes from the points.
export { BaselineError, isRetriable } from './errors.js';
export type { BaselineErrorCode, BaselineIssue } from './errors.js';
export {
  MAX_KEY_LABELS_LENGTH,
  MAX_KEY_LABEL_VALUE_LENGTH,
  canonicalLabels,
  parseSeriesSnapshot,
  pointProblem,
  seriesKey,
} from './series/index.js';
export type {
  BaselineView,
  HistogramBucket,
  HourBaselineView,
  MetricKind,
  MetricPoint,
  SeriesIdentity,
  SeriesSnapshot,
} from './series/index.js';
export { HOURS_PER_DAY, alphaForHalfLife, baselineDefaults, emptyStats, hourOf, pushStats } from './baseline/index.js';
export type { BaselineOptions, HourBucket, RollingStats } from './baseline/index.js';
export { anomalyDefaults } from './anomaly/index.js';
export type {
  AnomalyDirection,
  AnomalyEvidence,
  AnomalyKind,
  AnomalyOptions,
  AnomalyResolution,
  AnomalyTransition,
  BaselineReference,
  CusumEvidence,
  JudgedPoint,
  MetricAnomaly,
} from './anomaly/index.js';
export { BaselineBook } from './book/index.js';
export type {
  ApplyResult,
  BaselineBookHealth,
  BaselineBookOptions,
  FlushResult,
  RebuildResult,
  RejectedPoint,
  RestoreResult,
} from './book/index.js';
export { BaselineStore, baselineStoreDefaults, storeKeys } from './store/index.js';
export type { BaselineLoadResult, BaselineStoreOptions, StoreKeys } from './store/index.js';
