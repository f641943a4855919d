/**
 * Processor wiring: config → clients → read models → processor → HTTP, with graceful shutdown.
 * Nothing else lives here.
 *
 * Environment (besides the shared ones of @tributary/config):
 * - `PROCESSOR_PORT`: HTTP port. Default 8093.
 * - `PROCESSOR_ID`: stable id of this instance (names its transactional ids, so it must survive
 *   restarts). Default `processor-<hostname>-0`.
 * - `PROCESSOR_PUBLIC_URL`: where the CPM reaches this instance. Default `http://127.0.0.1:<port>`.
 * - `PROCESSOR_TOKEN`: when set, `/pipelines/…` calls need `Authorization: Bearer <token>`.
 * - `PROCESSOR_ANNOUNCE_INTERVAL_MS`: how often it announces itself. Default 10 000.
 */
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { createKafka, createMonitoringSink, installGracefulShutdown } from '@tributary/broker';
import { loadConfig } from '@tributary/config';
import { createLogger, createMetrics, createMetricsReporter } from '@tributary/observability';
import { createDefinitionsView, createPipelineEventsView } from '@tributary/pipeline-state';
import { createEventCodec, createSchemaRegistryClient } from '@tributary/schemas';
import { z } from 'zod';
import { ProcessorConfigError } from './errors.js';
import { createKafkaProbe, createRegistryProbe } from './health/index.js';
import { createProcessorHttp } from './http/index.js';
import { processorDefaults, processorHttpDefaults } from './options.js';
import { createProcessor } from './runtime/index.js';
import { pipelineStateSource } from '@tributary/pipeline-state';

const logger = createLogger({ service: 'processor' });

const envSchema = z.object({
  PROCESSOR_PORT: z.coerce.number().int().min(1).max(65535).default(8093),
  PROCESSOR_ID: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/).optional(),
  PROCESSOR_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  PROCESSOR_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  PROCESSOR_ANNOUNCE_INTERVAL_MS: z.coerce.number().int().min(100).default(processorDefaults.announceIntervalMs),
});

function processorEnv(env: NodeJS.ProcessEnv) {
  const present = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('PROCESSOR_') && v !== undefined && v.trim() !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new ProcessorConfigError(`Invalid configuration: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  const e = parsed.data;
  return {
    port: e.PROCESSOR_PORT,
    // Hostname-based, not pid-based: the transactional id must be the same after a restart.
    processorId: e.PROCESSOR_ID ?? `processor-${hostname().replace(/[^A-Za-z0-9._-]/g, '-')}-0`,
    publicUrl: (e.PROCESSOR_PUBLIC_URL ?? `http://127.0.0.1:${e.PROCESSOR_PORT}`).replace(/\/+$/, ''),
    token: e.PROCESSOR_TOKEN,
    announceIntervalMs: e.PROCESSOR_ANNOUNCE_INTERVAL_MS,
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const env = processorEnv(process.env);
  const log = logger.child({ processorId: env.processorId });

  const metrics = createMetrics({ service: 'processor' });
  const registry = createSchemaRegistryClient({ url: config.schemaRegistry.url, clientId: env.processorId, logger: log });
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: env.processorId, logger: log });
  const codec = createEventCodec({ registry });
  const viewOptions = { kafka, codec, topicPrefix: config.topicPrefix, logger: log };
  const source = pipelineStateSource({ definitions: createDefinitionsView(viewOptions), events: createPipelineEventsView(viewOptions) });
  const kafkaProbe = createKafkaProbe(kafka.admin(), { timeoutMs: processorHttpDefaults.probeTimeoutMs });
  const registryProbe = createRegistryProbe(config.schemaRegistry.url, { timeoutMs: processorHttpDefaults.probeTimeoutMs });
  const processor = createProcessor({
    kafka,
    registry,
    source,
    topicPrefix: config.topicPrefix,
    processorId: env.processorId,
    publicUrl: env.publicUrl,
    logger: log,
    metrics,
    options: { announceIntervalMs: env.announceIntervalMs },
  });
  const monitoring = createMonitoringSink({ kafka, registry, topicPrefix: config.topicPrefix, logger: log });
  const reporter = createMetricsReporter(
    {
      registry: metrics.registry,
      service: 'processor',
      instance: env.processorId,
      intervalMs: config.monitoring.metricsIntervalMs,
      ready: () => Promise.all([kafkaProbe.check(), registryProbe.check()]).then(() => true),
    },
    monitoring,
    (err) => log.warn({ err }, 'metric snapshot not sent'),
  );
  const app = createProcessorHttp({ processor, logger: log, metrics, readiness: [kafkaProbe, registryProbe], token: env.token });
  const server: Server = app.listen(env.port);
  const http = {
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
  // Closed in reverse: stop taking requests, stop the consumers (finish, commit), then the read
  // models and the clients. Registered before starting, so a signal during start-up is handled too.
  installGracefulShutdown({ resources: [metrics, registry, monitoring, reporter, kafkaProbe, source, processor, http], logger: log });
  await source.start();
  await processor.start();
  log.info({ port: env.port, url: env.publicUrl, auth: env.token !== undefined }, 'processor started');
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'processor failed to start');
  // Clients created before the failure would keep the process alive: a failed start must end it.
  process.exit(1);
});
