/**
 * CPM wiring: config → clients → read models → HTTP app → listen, with graceful shutdown. Nothing else
 * lives here.
 *
 * Environment (besides the shared ones of @tributary/config): `TRIBUTARY_API_KEYS` (required, see
 * docs/cpm.md), `PROCESSOR_TOKEN` (optional bearer token for calls to processors),
 * `MONITORING_ALERT_DESTINATIONS` (optional, the monitoring manager's list: what webhook and Slack
 * receivers of an alert rule file may reach).
 */
import { hostname } from 'node:os';
import type { Server } from 'node:http';
import { createKafka, createMonitoringSink, createPublisher, installGracefulShutdown } from '@tributary/broker';
import { loadConfig } from '@tributary/config';
import { BaselineStore } from '@tributary/monitoring-baselines';
import { createLogger, createMetrics, createMetricsReporter } from '@tributary/observability';
import { createDefinitionsView, createMonitoringView, createPipelineEventsView, createQualityView } from '@tributary/pipeline-state';
import { Redis } from 'ioredis';
import { controlTopics, createEventCodec, createSchemaRegistryClient, untypedCodec } from '@tributary/schemas';
import { createCpmApp } from './app.js';
import { parseApiKeys } from './auth/api-keys.js';
import { createEventStreams } from './events/streams.js';
import { createKafkaProbe, createRegistryProbe, type ReachabilityProbe } from './health/probes.js';
import { definitionsDirectory } from './ingest/pipeline-directory.js';
import { parseAlertDestinations } from './monitoring/destinations.js';
import { cpmDefaults } from './options.js';
import { createQuarantineBrowser } from './quality/quarantine-browser.js';
import { definitionsPort, pipelineEventsPort } from './state/adapters.js';

const logger = createLogger({ service: 'cpm' });

async function main() {
  const config = loadConfig();
  const apiKeys = parseApiKeys(process.env.TRIBUTARY_API_KEYS);
  const alertDestinations = parseAlertDestinations(process.env.MONITORING_ALERT_DESTINATIONS);
  const metrics = createMetrics({ service: 'cpm' });
  const registry = createSchemaRegistryClient({ url: config.schemaRegistry.url, clientId: 'cpm', logger });
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: 'cpm', logger });
  const eventCodec = createEventCodec({ registry });
  const codec = untypedCodec(eventCodec);
  // Command topics are banded by priority: the publisher places commands in their band.
  const bands = new Map(controlTopics({ prefix: config.topicPrefix }).map((t) => [t.name, t.priorityBands]));
  const publisher = createPublisher({ kafka, codec, metrics, logger, bandsOf: (topic) => bands.get(topic) });
  const kafkaProbe = createKafkaProbe(kafka.admin(), {
    timeoutMs: cpmDefaults.kafkaProbeTimeoutMs,
    cacheMs: cpmDefaults.kafkaProbeCacheMs,
  });
  const registryProbe = createRegistryProbe(config.schemaRegistry.url, { timeoutMs: cpmDefaults.kafkaProbeTimeoutMs });

  const definitionsView = createDefinitionsView({ kafka, codec: eventCodec, topicPrefix: config.topicPrefix });
  const eventsView = createPipelineEventsView({ kafka, codec: eventCodec, topicPrefix: config.topicPrefix });
  const qualityView = createQualityView({ kafka, codec: eventCodec, topicPrefix: config.topicPrefix, logger });
  const monitoringView = createMonitoringView({ kafka, codec: eventCodec, topicPrefix: config.topicPrefix, logger });
  // Answers come from the read models: they must have caught up before the first request.
  await Promise.all([definitionsView.start(), eventsView.start(), qualityView.start(), monitoringView.start()]);
  const viewsProbe: ReachabilityProbe = {
    name: 'readModels',
    check: () =>
      definitionsView.caughtUp && eventsView.caughtUp && qualityView.caughtUp && monitoringView.caughtUp
        ? Promise.resolve()
        : Promise.reject(new Error('read models are catching up')),
  };
  // The monitoring manager's baselines cache, read only. Commands fail at once while Redis is down (no
  // retries, no offline queue), so GET /monitoring/baselines answers 503 instead of waiting; Redis is
  // not part of /readyz: a cache for one route must not take the edge out of service.
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false });
  let redisErrorLoggedAt = 0;
  redis.on('error', (err: unknown) => {
    // ioredis reports every failed reconnection: once a minute is enough.
    if (Date.now() - redisErrorLoggedAt < 60_000) return;
    redisErrorLoggedAt = Date.now();
    logger.warn({ err }, 'Redis (monitoring baselines) unreachable; GET /monitoring/baselines answers 503');
  });
  const baselines = new BaselineStore({ redis, prefix: `${config.topicPrefix}:monitoring`, timeoutMs: cpmDefaults.kafkaProbeTimeoutMs });
  const redisClient = { close: () => redis.quit().then(() => undefined, () => redis.disconnect()) };
  const definitions = definitionsPort(definitionsView);
  const events = pipelineEventsPort(eventsView);
  const eventStreams = createEventStreams({ events, logger, options: cpmDefaults });
  const quarantine = createQuarantineBrowser({ kafka, codec: eventCodec, topicPrefix: config.topicPrefix, logger });

  const monitoring = createMonitoringSink({ kafka, registry, topicPrefix: config.topicPrefix, logger: logger });
  const reporter = createMetricsReporter(
    { registry: metrics.registry, service: 'cpm', instance: `${hostname()}:${process.pid}`, intervalMs: config.monitoring.metricsIntervalMs, ready: () => Promise.all([kafkaProbe.check(), registryProbe.check(), viewsProbe.check()]).then(() => true) },
    monitoring,
    (err) => logger.warn({ err }, 'metric snapshot not sent'),
  );

  const processorToken = process.env.PROCESSOR_TOKEN;
  const app = createCpmApp({
    config,
    logger,
    publisher,
    kafkaProbe,
    readiness: [kafkaProbe, registryProbe, viewsProbe],
    apiKeys,
    metrics,
    pipelines: definitionsDirectory(definitions),
    definitions,
    events,
    quality: qualityView,
    quarantine,
    eventStreams,
    monitoring: monitoringView,
    baselines,
    alertDestinations,
    ...(processorToken ? { processorToken } : {}),
  });
  const server: Server = app.listen(config.cpm.port, () => {
    logger.info({ port: config.cpm.port, apiKeys: apiKeys.size }, 'CPM listening');
  });
  const http = {
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
  // Closed in reverse: end event streams and stop taking requests, then the views, the publisher, the clients.
  installGracefulShutdown({
    resources: [metrics, registry, monitoring, reporter, kafkaProbe, publisher, definitionsView, eventsView, qualityView, monitoringView, redisClient, quarantine, http, eventStreams],
    logger,
  });
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'CPM failed to start');
  process.exitCode = 1;
});
