import { Registry } from 'prom-client';
import { z } from 'zod';

/** Metric names are a contract with dashboards and alerts: change them only with a migration note. */
export const metricNames = {
  published: 'tributary_messages_published_total',
  consumed: 'tributary_messages_consumed_total',
  failed: 'tributary_messages_failed_total',
  deadLettered: 'tributary_messages_dead_lettered_total',
  handlerDuration: 'tributary_handler_duration_seconds',
  consumerLag: 'tributary_consumer_lag',
} as const;

/** Defaults of `createMetrics` and `createMetricsHandler`, in one place. */
export const metricsDefaults = {
  collectDefaultMetrics: true,
  /** Prefix of the Node process metrics, so they sort with Tributary's own. */
  defaultMetricsPrefix: 'tributary_',
  /**
   * Roughly ×2.5 steps from 0.1 ms (an in-memory transform) to 10 s (a handler stuck on a slow sink);
   * 16 buckets keep the series count per topic × event type small.
   */
  handlerDurationBuckets: [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
  ],
  /** Path served by the metrics handler, per DESIGN.md. */
  path: '/metrics',
} as const;

export const metricsOptionsSchema = z.object({
  service: z.string().trim().min(1, 'a service name is required'),
  // Prometheus text registries only: the handler and dashboards expect the 0.0.4 text format.
  registry: z.custom<Registry>((v) => v instanceof Registry, 'expected a prom-client Registry').optional(),
  collectDefaultMetrics: z.boolean().default(metricsDefaults.collectDefaultMetrics),
  handlerDurationBuckets: z
    .array(z.number().positive().finite())
    .min(1)
    .refine((b) => b.every((v, i) => i === 0 || v > (b[i - 1] ?? 0)), 'buckets must be strictly increasing')
    .default([...metricsDefaults.handlerDurationBuckets]),
});

export const metricsHandlerOptionsSchema = z.object({
  path: z.string().startsWith('/').default(metricsDefaults.path),
});
