/**
 * Pipeline manager wiring: config → clients → manager → ops HTTP server, with graceful shutdown.
 * Environment: the shared ones of @tributary/config, plus `PIPELINE_MANAGER_PORT` (default 8091).
 */
import { hostname } from 'node:os';
import { createKafka, createMonitoringSink, installGracefulShutdown } from '@tributary/broker';
import { loadConfig } from '@tributary/config';
import { createLogger, createMetrics, createMetricsReporter } from '@tributary/observability';
import { createEventCodec, createSchemaRegistryClient, untypedCodec } from '@tributary/schemas';
import { createOpsServer } from './http/server.js';
import { createPipelineManager } from './manager.js';

const DEFAULT_PORT = 8091;
const logger = createLogger({ service: 'pipeline-manager' });

async function main(): Promise<void> {
  const config = loadConfig();
  const port = Number(process.env.PIPELINE_MANAGER_PORT ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`PIPELINE_MANAGER_PORT must be a TCP port, got ${process.env.PIPELINE_MANAGER_PORT}`);

  const metrics = createMetrics({ service: 'pipeline-manager' });
  const registry = createSchemaRegistryClient({ url: config.schemaRegistry.url, clientId: 'pipeline-manager', logger });
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: 'pipeline-manager', logger });
  const codec = untypedCodec(createEventCodec({ registry }));
  const admin = kafka.admin();
  await admin.connect();
  const adminResource = { close: () => admin.disconnect() };
  const manager = createPipelineManager({
    kafka,
    registry,
    codec,
    admin,
    topicPrefix: config.topicPrefix,
    logger,
    metrics,
    metricsRegistry: metrics.registry,
  });
  const monitoring = createMonitoringSink({ kafka, registry, topicPrefix: config.topicPrefix, logger: logger });
  const reporter = createMetricsReporter(
    { registry: metrics.registry, service: 'pipeline-manager', instance: `${hostname()}:${process.pid}`, intervalMs: config.monitoring.metricsIntervalMs, ready: () => manager.ready },
    monitoring,
    (err) => logger.warn({ err }, 'metric snapshot not sent'),
  );
  const ops = createOpsServer({ port, ready: () => manager.ready, metrics });
  await ops.listen();
  // Closed in reverse: stop answering, stop handling commands, then the clients.
  const shutdown = installGracefulShutdown({ resources: [metrics, registry, monitoring, reporter, codec, adminResource, manager, ops], logger });
  logger.info({ port }, 'pipeline manager ops server listening');
  try {
    await manager.start();
  } catch (err) {
    logger.fatal({ err }, 'pipeline manager failed to start');
    process.exitCode = 1;
    await shutdown();
  }
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'pipeline manager failed to start');
  process.exitCode = 1;
});
