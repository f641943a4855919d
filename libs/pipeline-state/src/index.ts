// The only public door of @tributary/pipeline-state: read models of pipelines built from Kafka.
export { PipelineStateError } from './errors.js';
export type { PipelineStateErrorCode } from './errors.js';
export type { ViewOptions } from './view-options.js';
export {
  DEFAULT_MAX_RUNS,
  STAGING_STAGE,
  initialPipelinesState,
  reducePipelineState,
  stageOrderOf,
} from './run-state/index.js';
export type {
  CountTotals,
  PipelineState,
  PipelineStatus,
  PipelinesState,
  ProcessorState,
  ReducerOptions,
  RunState,
  RunStatus,
  StageCount,
  StateEvent,
} from './run-state/index.js';
export { createDefinitionsView } from './definitions/index.js';
export type { DefinitionEntry, DefinitionsListener, DefinitionsView, DefinitionsViewOptions } from './definitions/index.js';
export { createPipelineEventsView, pipelineEventsViewDefaults } from './events/index.js';
export type {
  PipelineEventsListener,
  PipelineEventsView,
  PipelineEventsViewOptions,
  ViewEvent,
  WaitForCorrelationOptions,
} from './events/index.js';
export { pipelineStateSource } from './running/index.js';
export type { PipelineSource, PipelineStateSourceDeps, PipelineVersion, RunningPipeline } from './running/index.js';
export { createQualityView, qualityViewDefaults } from './quality/index.js';
export type { QualityIssueEntry, QualityView, QualityViewOptions, QualityWindowEntry, QuarantineRedriveEntry } from './quality/index.js';
export { createMonitoringState, createMonitoringView, metricSeriesKey, MONITORING_VIEW_TYPES, monitoringViewDefaults } from './monitoring/index.js';
export type {
  AlertAcknowledgement,
  AlertEntry,
  AlertFilter,
  AlertRulesEntry,
  AlertTransition,
  AnomalyEntry,
  ComponentHealth,
  HealthEntry,
  HealthOverview,
  MetricPoint,
  MetricSeriesInfo,
  MetricSeriesPoints,
  MonitoringBounds,
  MonitoringQueries,
  MonitoringState,
  MonitoringView,
  MonitoringViewOptions,
  SeriesFilter,
  SilenceEntry,
} from './monitoring/index.js';
