/**
 * @tributary/observability: structured logs, traces through Kafka headers and Prometheus metrics.
 * Other libs depend on the types (`Logger`, `Telemetry`, `TributaryMetrics`); apps create the
 * instances and pass them in. See docs/observability.md.
 */
export { ObservabilityError } from './errors.js';
export type { ObservabilityErrorCode } from './errors.js';
export { headerText } from './message-headers.js';
export type { MessageHeaders, MessageHeaderValue } from './message-headers.js';

export { correlationFromHeaders, createLogger, loggingDefaults, withCorrelation } from './logging/index.js';
export type { CorrelationIds, LogDestination, Logger, LoggerOptions, LogLevel } from './logging/index.js';

export { MessagingAttribute, createTelemetry, noopSpan, noopTelemetry, tracingDefaults } from './tracing/index.js';
export type { MessagingSpan, MessagingSpanOptions, SpanProcessorKind, Telemetry, TelemetryOptions } from './tracing/index.js';

export { createMetrics, createMetricsHandler, metricNames, metricsDefaults } from './metrics/index.js';
export type {
  LagLabel,
  MessageLabel,
  MetricsHandlerOptions,
  MetricsOptions,
  MetricsRequestHandler,
  NextFunction,
  TributaryMetrics,
} from './metrics/index.js';

// An app registers series of its own (e.g. per-pipeline record counts) in the registry of
// createMetrics with the same prom-client, rather than a dependency (and maybe a copy) of its own.
export { Counter } from 'prom-client';
export type { Registry } from 'prom-client';

export { createMetricsReporter, metricsReportingDefaults, samplesOf } from './reporting/index.js';
export type { HeartbeatSample, MetricSample, MetricSampleSink, MetricsReporter, MetricsReporterOptions } from './reporting/index.js';

export { createHealthServer } from './health/index.js';
export type { HealthServer, HealthServerDeps } from './health/index.js';
