import { z } from 'zod';

/**
 * The service-wide settings every Tributary process reads from its environment (DESIGN.md,
 * "Contracts"). Defaults live here and nowhere else.
 */
export const configDefaults = {
  /** Kafka bootstrap servers, comma-separated. */
  KAFKA_BROKERS: '127.0.0.1:9092',
  /** Confluent-compatible schema registry base URL. */
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
  /** Redis for monitoring baselines and other rebuildable caches. */
  REDIS_URL: 'redis://127.0.0.1:6379',
  /** HTTP port of the Control Point Manager. */
  CPM_PORT: '8080',
  /** First segment of every topic name. */
  TRIBUTARY_TOPIC_PREFIX: 'tributary',
  /**
   * How often every service publishes a snapshot of its metrics and a heartbeat to
   * `<prefix>.monitoring.metrics`, in milliseconds; 0 turns it off (Prometheus `/metrics` stays).
   */
  TRIBUTARY_METRICS_INTERVAL_MS: '15000',
} as const;

const hostPort = /^[A-Za-z0-9.-]+:\d{1,5}$/;
const port = z.coerce.number().int().min(1).max(65535);

export const configSchema = z.object({
  KAFKA_BROKERS: z
    .string()
    .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(hostPort, 'expected host:port')).min(1, 'at least one broker')),
  SCHEMA_REGISTRY_URL: z
    .url({ protocol: /^https?$/ })
    .transform((s) => s.replace(/\/+$/, '')),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }),
  CPM_PORT: port,
  TRIBUTARY_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "_" and "-" only (it is a topic name segment)'),
  TRIBUTARY_METRICS_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000),
});
