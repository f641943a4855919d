/** Validated service configuration. */
export interface TributaryConfig {
  kafka: { brokers: string[] };
  schemaRegistry: { url: string };
  redis: { url: string };
  cpm: { port: number };
  topicPrefix: string;
  /** Metric snapshots and heartbeats every `metricsIntervalMs` (0: off). */
  monitoring: { metricsIntervalMs: number };
}
