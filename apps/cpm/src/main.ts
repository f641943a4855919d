/**
 * CPM wiring: config → clients → HTTP app → listen, with graceful shutdown. Nothing else lives here.
 *
 * Environment (besides the shared ones of @tributary/config): `TRIBUTARY_API_KEYS` (required, see
 * docs/cpm.md), `CPM_PIPELINE_FIELDS_FILE` (optional JSON `{ "<pipelineId>": FieldSpec[] }` seeding the
 * in-memory pipeline directory until the pipeline manager's read model replaces it).
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createKafka, createPublisher, installGracefulShutdown } from '@tributary/broker';
import { loadConfig } from '@tributary/config';
import { createLogger, createMetrics } from '@tributary/observability';
import { createEventCodec, createSchemaRegistryClient, untypedCodec } from '@tributary/schemas';
import type { FieldSpec } from '@tributary/staging';
import { createCpmApp } from './app.js';
import { parseApiKeys } from './auth/api-keys.js';
import { createKafkaProbe, createRegistryProbe } from './health/probes.js';
import { InMemoryPipelineDirectory } from './ingest/pipeline-directory.js';
import { cpmDefaults } from './options.js';

const logger = createLogger({ service: 'cpm' });
try {
  const config = loadConfig();
  const apiKeys = parseApiKeys(process.env.TRIBUTARY_API_KEYS);
  const fieldsFile = process.env.CPM_PIPELINE_FIELDS_FILE;
  const pipelines = new InMemoryPipelineDirectory(
    fieldsFile ? (JSON.parse(readFileSync(fieldsFile, 'utf8')) as Record<string, FieldSpec[]>) : {},
  );

  const metrics = createMetrics({ service: 'cpm' });
  const registry = createSchemaRegistryClient({ url: config.schemaRegistry.url, clientId: 'cpm', logger });
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: 'cpm', logger });
  const codec = untypedCodec(createEventCodec({ registry }));
  const publisher = createPublisher({ kafka, codec, metrics, logger });
  const kafkaProbe = createKafkaProbe(kafka.admin(), {
    timeoutMs: cpmDefaults.kafkaProbeTimeoutMs,
    cacheMs: cpmDefaults.kafkaProbeCacheMs,
  });
  const registryProbe = createRegistryProbe(config.schemaRegistry.url, { timeoutMs: cpmDefaults.kafkaProbeTimeoutMs });

  const app = createCpmApp({
    config,
    logger,
    publisher,
    kafkaProbe,
    readiness: [kafkaProbe, registryProbe],
    apiKeys,
    metrics,
    pipelines,
  });
  const server: Server = app.listen(config.cpm.port, () => {
    logger.info({ port: config.cpm.port, apiKeys: apiKeys.size }, 'CPM listening');
  });
  const http = {
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
  // Closed in reverse: stop taking requests, then flush the publisher, then the clients.
  installGracefulShutdown({
    resources: [metrics, registry, kafkaProbe, publisher, http],
    logger,
  });
} catch (err) {
  logger.fatal({ err }, 'CPM failed to start');
  process.exitCode = 1;
}
