export { createMonitoringView } from './view.js';
export { monitoringViewDefaults, resolveMonitoringBounds } from './options.js';
export type { MonitoringBounds } from './options.js';
export { createMonitoringState, MONITORING_VIEW_TYPES } from './state.js';
export type { MonitoringState } from './state.js';
export { metricSeriesKey } from './series-book.js';
export type {
  AlertAcknowledgement,
  AlertEntry,
  AlertFilter,
  AlertRulesEntry,
  AlertSeverity,
  AlertState,
  AlertTransition,
  AnomalyEntry,
  ComponentHealth,
  HealthEntry,
  HealthOverview,
  HealthStatus,
  MetricKind,
  MetricPoint,
  MetricSeriesInfo,
  MetricSeriesPoints,
  MonitoringQueries,
  MonitoringView,
  MonitoringViewOptions,
  SeriesFilter,
  SeriesIdentity,
  SilenceEntry,
  SilenceState,
} from './types.js';
