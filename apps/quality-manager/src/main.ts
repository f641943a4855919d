/**
 * Quality manager wiring: config → clients → read models → manager → HTTP, with graceful shutdown.
 * Nothing else lives here.
 *
 * Environment (besides the shared ones of @tributary/config): `QUALITY_MANAGER_PORT` (default 8094),
 * `QUALITY_MANAGER_INSTANCE_ID` (default `quality-<hostname>-0`; keep it stable across restarts so the
 * transactional ids fence a killed predecessor), `QUALITY_MANAGER_SESSION_TIMEOUT_MS` (optional,
 * default 30 s: how long a dead instance keeps its partitions before the group moves them),
 * `QUALITY_MANAGER_COMMIT_EVERY` (optional, default 5,000 records per transaction).
 */
import { hostname } from 'node:os';
import { createKafka, createMonitoringSink, installGracefulShutdown } from '@tributary/broker';
import { loadConfig } from '@tributary/config';
import { createHealthServer, createLogger, createMetrics, createMetricsHandler, createMetricsReporter } from '@tributary/observability';
import { createDefinitionsView, createPipelineEventsView, pipelineStateSource } from '@tributary/pipeline-state';
import { createEventCodec, createSchemaRegistryClient } from '@tributary/schemas';
import { z } from 'zod';
import { QualityManagerConfigError } from './errors.js';
import { createQualityManager } from './manager.js';

const logger = createLogger({ service: 'quality-manager' });

const envSchema = z.object({
  QUALITY_MANAGER_PORT: z.coerce.number().int().min(0).max(65535).default(8094),
  QUALITY_MANAGER_INSTANCE_ID: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/).optional(),
  QUALITY_MANAGER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(1000).optional(),
  QUALITY_MANAGER_COMMIT_EVERY: z.coerce.number().int().min(1).optional(),
});

function qualityManagerEnv(env: NodeJS.ProcessEnv) {
  const present = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('QUALITY_MANAGER_') && v !== undefined && v.trim() !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new QualityManagerConfigError(`Invalid configuration: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  const e = parsed.data;
  return {
    port: e.QUALITY_MANAGER_PORT,
    // Hostname-based, not pid-based: the transactional ids must be the same after a restart.
    instanceId: e.QUALITY_MANAGER_INSTANCE_ID ?? `quality-${hostname().replace(/[^A-Za-z0-9._-]/g, '-')}-0`,
    options: {
      ...(e.QUALITY_MANAGER_SESSION_TIMEOUT_MS === undefined ? {} : { sessionTimeoutMs: e.QUALITY_MANAGER_SESSION_TIMEOUT_MS }),
      ...(e.QUALITY_MANAGER_COMMIT_EVERY === undefined ? {} : { commitEvery: e.QUALITY_MANAGER_COMMIT_EVERY }),
    },
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const env = qualityManagerEnv(process.env);
  const log = logger.child({ instanceId: env.instanceId });

  const metrics = createMetrics({ service: 'quality-manager' });
  const registry = createSchemaRegistryClient({ url: config.schemaRegistry.url, clientId: 'quality-manager', logger: log });
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: `quality-manager-${env.instanceId}`, logger: log });
  const viewOptions = { kafka, codec: createEventCodec({ registry }), topicPrefix: config.topicPrefix, logger: log };
  const source = pipelineStateSource({ definitions: createDefinitionsView(viewOptions), events: createPipelineEventsView(viewOptions) });
  const manager = createQualityManager({
    kafka,
    registry,
    source,
    topicPrefix: config.topicPrefix,
    instanceId: env.instanceId,
    logger: log,
    metrics,
    metricsRegistry: metrics.registry,
    options: env.options,
  });
  const monitoring = createMonitoringSink({ kafka, registry, topicPrefix: config.topicPrefix, logger: log });
  const reporter = createMetricsReporter(
    { registry: metrics.registry, service: 'quality-manager', instance: env.instanceId, intervalMs: config.monitoring.metricsIntervalMs, ready: () => manager.ready },
    monitoring,
    (err) => log.warn({ err }, 'metric snapshot not sent'),
  );
  const http = createHealthServer({ port: env.port, ready: () => manager.ready, metrics: createMetricsHandler(metrics) });

  // Closed in reverse: stop answering, stop the consumers (finish, commit), then the clients.
  installGracefulShutdown({ resources: [metrics, registry, monitoring, reporter, manager, http], logger: log });
  await http.listen();
  await manager.start();
  log.info({ port: env.port, topicPrefix: config.topicPrefix }, 'quality manager started');
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'quality manager failed to start');
  // Clients created before the failure would keep the process alive: a failed start must end it.
  process.exit(1);
});
