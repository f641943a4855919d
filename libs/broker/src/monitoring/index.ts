export { metricBatchDefaults, metricBatchesOf, metricBatchPoints } from './batches.js';
export type { MetricBatchBounds } from './batches.js';
export { createMonitoringSink, MonitoringEventNames } from './sink.js';
export type { MonitoringSink, MonitoringSinkDeps } from './sink.js';
