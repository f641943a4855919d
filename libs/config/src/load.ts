import { ConfigError } from './errors.js';
import { configDefaults, configSchema } from './options.js';
import type { TributaryConfig } from './types.js';

/**
 * Reads and validates the service configuration once, at start-up. Unset or empty variables take
 * their default from {@link configDefaults}; the caller's `env` is never modified.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): TributaryConfig {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(configDefaults) as (keyof typeof configDefaults)[]) {
    const value = env[key];
    raw[key] = value === undefined || value.trim() === '' ? configDefaults[key] : value.trim();
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '?'), message: i.message }));
    const summary = issues.map((i) => `${i.variable}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${summary}`, issues, { cause: parsed.error });
  }
  const c = parsed.data;
  return {
    kafka: { brokers: c.KAFKA_BROKERS },
    schemaRegistry: { url: c.SCHEMA_REGISTRY_URL },
    redis: { url: c.REDIS_URL },
    cpm: { port: c.CPM_PORT },
    topicPrefix: c.TRIBUTARY_TOPIC_PREFIX,
    monitoring: { metricsIntervalMs: c.TRIBUTARY_METRICS_INTERVAL_MS },
  };
}
