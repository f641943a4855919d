/**
 * Monitoring manager wiring: config → clients → manager → HTTP, with graceful shutdown. Nothing else.
 *
 * Environment (besides the shared ones of @tributary/config, `REDIS_URL` among them):
 * `MONITORING_MANAGER_PORT` (default 8095), `MONITORING_MANAGER_INSTANCE_ID` (default
 * `monitoring-<hostname>-0`), `MONITORING_HEARTBEAT_TIMEOUT_MS` (default 45 s),
 * `MONITORING_TICK_MS` (default 5 s), `MONITORING_SESSION_TIMEOUT_MS` (default 30 s),
 * `MONITORING_ALERT_RULES` (a rule file, default `rules/default.yaml` of this app),
 * `MONITORING_ALERT_DESTINATIONS` (comma-separated origins webhook and Slack receivers may reach;
 * default none), `MONITORING_KAFKA_DATA_DIR` (the broker's data directory, when on this host: its disk
 * is measured; default not measured).
 */
import fs from 'node:fs';
import { hostname } from 'node:os';
import { parseAlertingConfig } from '@tributary/alerting';
import { createKafka, createMonitoringSink, installGracefulShutdown } from '@tributary/broker';
import { loadConfig } from '@tributary/config';
import { createHealthServer, createLogger, createMetrics, createMetricsHandler, createMetricsReporter } from '@tributary/observability';
import { createSchemaRegistryClient } from '@tributary/schemas';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { createMonitoringManager } from './manager.js';
import { MonitoringManagerConfigError } from './options.js';

const logger = createLogger({ service: 'monitoring-manager' });

const envSchema = z.object({
  MONITORING_MANAGER_PORT: z.coerce.number().int().min(0).max(65535).default(8095),
  MONITORING_MANAGER_INSTANCE_ID: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/).optional(),
  MONITORING_HEARTBEAT_TIMEOUT_MS: z.coerce.number().int().min(100).optional(),
  MONITORING_TICK_MS: z.coerce.number().int().min(100).optional(),
  MONITORING_SESSION_TIMEOUT_MS: z.coerce.number().int().min(1000).optional(),
  MONITORING_ALERT_RULES: z.string().min(1).optional(),
  MONITORING_ALERT_DESTINATIONS: z.string().optional(),
  MONITORING_KAFKA_DATA_DIR: z.string().min(1).optional(),
});

function monitoringEnv(env: NodeJS.ProcessEnv) {
  const present = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('MONITORING_') && v !== undefined && v.trim() !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new MonitoringManagerConfigError(`Invalid configuration: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  const e = parsed.data;
  return {
    port: e.MONITORING_MANAGER_PORT,
    rulesFile: e.MONITORING_ALERT_RULES ?? new URL('../rules/default.yaml', import.meta.url).pathname,
    kafkaDataDir: e.MONITORING_KAFKA_DATA_DIR,
    allowedDestinations: (e.MONITORING_ALERT_DESTINATIONS ?? '').split(',').map((d) => d.trim()).filter(Boolean),
    instanceId: e.MONITORING_MANAGER_INSTANCE_ID ?? `monitoring-${hostname().replace(/[^A-Za-z0-9._-]/g, '-')}-0`,
    options: {
      ...(e.MONITORING_HEARTBEAT_TIMEOUT_MS === undefined ? {} : { heartbeatTimeoutMs: e.MONITORING_HEARTBEAT_TIMEOUT_MS }),
      ...(e.MONITORING_TICK_MS === undefined ? {} : { tickMs: e.MONITORING_TICK_MS }),
      ...(e.MONITORING_SESSION_TIMEOUT_MS === undefined ? {} : { sessionTimeoutMs: e.MONITORING_SESSION_TIMEOUT_MS }),
    },
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const env = monitoringEnv(process.env);
  const log = logger.child({ instanceId: env.instanceId });

  // A rule file that does not parse stops the start, naming every bad field (TRIB_ALERT_RULES_INVALID).
  const alerting = { config: parseAlertingConfig(fs.readFileSync(env.rulesFile, 'utf8'), { allowedDestinations: env.allowedDestinations }), allowedDestinations: env.allowedDestinations };
  const metrics = createMetrics({ service: 'monitoring-manager' });
  const registry = createSchemaRegistryClient({ url: config.schemaRegistry.url, clientId: 'monitoring-manager', logger: log });
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: `monitoring-manager-${env.instanceId}`, logger: log });
  // Fail fast while Redis is down (the baselines stay in memory and health says so) instead of queueing.
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true });
  redis.on('error', (err: Error) => log.debug({ err }, 'redis connection error'));
  await redis.connect().catch((err: unknown) => log.warn({ err }, 'Redis unreachable at start: baselines will be rebuilt from Kafka and kept in memory'));
  const redisResource = { close: () => redis.quit().then(() => undefined, () => redis.disconnect()) };
  const manager = createMonitoringManager({ kafka, registry, redis, topicPrefix: config.topicPrefix, instanceId: env.instanceId, logger: log, metrics, options: env.options, alerting, ...(env.kafkaDataDir === undefined ? {} : { kafkaDataDir: env.kafkaDataDir }) });
  const monitoring = createMonitoringSink({ kafka, registry, topicPrefix: config.topicPrefix, logger: log });
  const reporter = createMetricsReporter(
    { registry: metrics.registry, service: 'monitoring-manager', instance: env.instanceId, intervalMs: config.monitoring.metricsIntervalMs, ready: () => manager.ready },
    monitoring,
    (err) => log.warn({ err }, 'metric snapshot not sent'),
  );
  const http = createHealthServer({ port: env.port, ready: () => manager.ready, metrics: createMetricsHandler(metrics) });

  // Closed in reverse: stop answering, stop consuming (baselines written), then the clients.
  installGracefulShutdown({ resources: [metrics, registry, redisResource, monitoring, reporter, manager, http], logger: log });
  await http.listen();
  await manager.start();
  log.info({ port: env.port, topicPrefix: config.topicPrefix, rules: alerting.config.rules.length, rulesFile: env.rulesFile }, 'monitoring manager started');
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'monitoring manager failed to start');
  process.exit(1);
});
