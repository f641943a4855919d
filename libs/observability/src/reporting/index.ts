export { createMetricsReporter } from './reporter.js';
export { metricsReportingDefaults } from './options.js';
export type { MetricsReporterOptions } from './options.js';
export { samplesOf } from './snapshot.js';
export type { HeartbeatSample, MetricSample, MetricSampleSink, MetricsReporter } from './types.js';
