export { createMetricsHandler } from './handler.js';
export { createMetrics } from './metrics.js';
export { metricNames, metricsDefaults } from './options.js';
export type {
  LagLabel,
  MessageLabel,
  MetricsHandlerOptions,
  MetricsOptions,
  MetricsRequestHandler,
  NextFunction,
  TributaryMetrics,
} from './types.js';
