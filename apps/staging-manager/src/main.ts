/**
 * Staging manager wiring: config → clients → manager → HTTP, with graceful shutdown. Nothing else.
 *
 * Environment (besides the shared ones of @tributary/config): `STAGING_MANAGER_PORT` (default 8092),
 * `STAGING_MANAGER_INSTANCE_ID` (default `staging-<hostname>-0`; keep it stable across restarts so
 * the transactional id fences a killed predecessor), `STAGING_MANAGER_SESSION_TIMEOUT_MS` (optional,
 * default 30 s: how long a dead instance keeps its partitions before the group moves them).
 */
import { hostname } from 'node:os';
import { createKafka, createMonitoringSink, installGracefulShutdown } from '@tributary/broker';
import { loadConfig } from '@tributary/config';
import { createHealthServer, createLogger, createMetrics, createMetricsHandler, createMetricsReporter } from '@tributary/observability';
import { createSchemaRegistryClient } from '@tributary/schemas';
import { createStagingManager } from './manager.js';

const logger = createLogger({ service: 'staging-manager' });
try {
  const config = loadConfig();
  const port = Number(process.env.STAGING_MANAGER_PORT?.trim() || 8092);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`STAGING_MANAGER_PORT must be a port number, got ${process.env.STAGING_MANAGER_PORT}`);
  const instanceId = process.env.STAGING_MANAGER_INSTANCE_ID?.trim() || `staging-${hostname()}-0`;

  const sessionTimeoutMs = process.env.STAGING_MANAGER_SESSION_TIMEOUT_MS?.trim();
  const options = sessionTimeoutMs ? { sessionTimeoutMs: Number(sessionTimeoutMs) } : {};

  const metrics = createMetrics({ service: 'staging-manager' });
  const registry = createSchemaRegistryClient({ url: config.schemaRegistry.url, clientId: 'staging-manager', logger });
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: `staging-manager-${instanceId}`, logger });
  const manager = createStagingManager({ kafka, registry, topicPrefix: config.topicPrefix, instanceId, logger, metrics, options });
  const monitoring = createMonitoringSink({ kafka, registry, topicPrefix: config.topicPrefix, logger: logger });
  const reporter = createMetricsReporter(
    { registry: metrics.registry, service: 'staging-manager', instance: instanceId, intervalMs: config.monitoring.metricsIntervalMs, ready: () => manager.ready },
    monitoring,
    (err) => logger.warn({ err }, 'metric snapshot not sent'),
  );
  const http = createHealthServer({ port, ready: () => manager.ready, metrics: createMetricsHandler(metrics) });

  installGracefulShutdown({ resources: [metrics, registry, monitoring, reporter, manager, http], logger });
  await http.listen();
  await manager.start();
  logger.info({ port, instanceId, topicPrefix: config.topicPrefix }, 'staging manager listening');
} catch (err) {
  logger.fatal({ err }, 'staging manager failed to start');
  process.exit(1);
}
