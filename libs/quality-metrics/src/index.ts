// The only public door of @tributary/quality-metrics: additive window deltas, windowed data-quality
// metrics, window expectations, quality issues, trends and reports. Pure: no Kafka, no HTTP, no clock.
export { QualityMetricsError } from './errors.js';
export type { QualityMetricsErrorCode, QualityMetricsIssue } from './errors.js';
export type {
  DeclaredField,
  FailingRecordSample,
  FieldQualityMetrics,
  FreshnessMetrics,
  QualityWindowMetrics,
  RuleFailureMetrics,
  UniquenessMetrics,
  WindowCloseReason,
  WindowCounts,
} from './types.js';
export {
  LAG_BUCKET_COUNT,
  LAG_BUCKET_UPPER_BOUNDS_MS,
  QualityDeltaAccumulator,
  lagBucketIndex,
  mergeWindowDeltas,
  parseWindowDelta,
  qualityDeltaDefaults,
} from './deltas/index.js';
export type {
  EvaluatedRecord,
  FieldDeltaCounts,
  FreshnessDeltaCounts,
  FreshnessRuleInfo,
  QualityDeltaAccumulatorOptions,
  QualityDeltaLimits,
  QualityWindowDelta,
  RuleDeltaCounts,
  RuleFailure,
  UniqueRuleInfo,
  UniquenessDeltaCounts,
} from './deltas/index.js';
export { QualityWindowReducer, qualityScore, qualityWindowDefaults, windowMetrics } from './windows/index.js';
export type {
  QualityDimensions,
  QualityMetricsTuning,
  QualityWindowMetricsOptions,
  QualityWindowReducerOptions,
  QualityWindowTuning,
  ScoreWeights,
  WindowClosing,
} from './windows/index.js';
export { evaluateExpectations, expectationFields, expectationWindowSizes, parseWindowExpectations } from './expectations/index.js';
export type {
  CompletenessExpectation,
  ExpectationResult,
  ValidityExpectation,
  VolumeExpectation,
  WindowExpectation,
  WindowExpectationType,
} from './expectations/index.js';
export { QualityIssueDetector, parseIssueSnapshot, qualityIssueDefaults } from './issues/index.js';
export type {
  IssueBaseline,
  IssueEvidence,
  IssueReason,
  IssueTransition,
  PipelineIssueSnapshot,
  QualityIssue,
  QualityIssueDetectorOptions,
  QualityIssueSnapshot,
  QualitySignalKind,
  SignalSnapshot,
} from './issues/index.js';
export { qualityTrend, qualityTrendDefaults } from './trend/index.js';
export type { QualityTrend, QualityTrendDirection, QualityTrendOptions, QualityTrendPoint } from './trend/index.js';
export { buildQualityReport, qualityReportDefaults, renderQualityReportMarkdown } from './report/index.js';
export type {
  QualityReport,
  QualityReportField,
  QualityReportInput,
  QualityReportOptions,
  QualityReportRule,
  QualityReportSummary,
  QualityReportTrend,
} from './report/index.js';
