import fs from 'node:fs';
import { parseAlertingConfig } from '@tributary/alerting';
import { createKafka } from '@tributary/broker';
import { loadConfig } from '@tributary/config';
import { createMetrics, type Logger } from '@tributary/observability';
import { createSchemaRegistryClient } from '@tributary/schemas';
import { waitFor } from '@tributary/testing';
import { Redis } from 'ioredis';
import { createMonitoringManager, type MonitoringManager } from '../src/manager.js';
import { MonitoringEventNames, monitoringTopics } from '../src/names.js';

/** The rule file the app starts with by default (main.ts): alerting is part of every sample's handling. */
const DEFAULT_RULES = new URL('../rules/default.yaml', import.meta.url);

/**
 * Measured lag is switched off (an hour between measurements): the measuring instance publishes
 * every consumer group of the shared broker as `kafka` series onto the metrics topic under test,
 * which would add points (and series) the naive consumer never saw.
 */
const LAG_OFF_MS = 3_600_000;

export interface ManagerUnderTest {
  readonly manager: MonitoringManager;
  /** MetricBatch records handled, as its `/metrics` says (`tributary_messages_consumed_total`). */
  consumedBatches(): Promise<number>;
  /**
   * Resolves once every point applied so far is in Redis: no series is dirty and no flush is in
   * flight. The manager does the writing (when caught up); the call to `book.flush()` here only queues
   * behind a flush in flight (it finds nothing dirty, writes no series, and costs one SET round trip).
   */
  flushed(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A monitoring manager wired as apps/monitoring-manager/src/main.ts wires it (its own Kafka and
 * registry clients, a fail-fast Redis client, messaging metrics, the default alert rules), through the
 * app's own factory; only the lag interval differs (see LAG_OFF_MS).
 */
export async function startManager(deps: { redisUrl: string; topicPrefix: string; instanceId: string; logger: Logger }): Promise<ManagerUnderTest> {
  const config = loadConfig();
  const log = deps.logger.child({ instanceId: deps.instanceId });
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: `monitoring-manager-${deps.instanceId}`, logger: log });
  const registry = createSchemaRegistryClient({ url: config.schemaRegistry.url, clientId: 'monitoring-manager', logger: log });
  const redis = new Redis(deps.redisUrl, { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true });
  redis.on('error', (err: Error) => log.debug({ err }, 'redis connection error'));
  await redis.connect();
  const metrics = createMetrics({ service: 'monitoring-manager' });
  const alerting = { config: parseAlertingConfig(fs.readFileSync(DEFAULT_RULES, 'utf8'), { allowedDestinations: [] }), allowedDestinations: [] };
  const manager = createMonitoringManager({
    kafka,
    registry,
    redis,
    topicPrefix: deps.topicPrefix,
    instanceId: deps.instanceId,
    logger: log,
    metrics,
    alerting,
    options: { lagIntervalMs: LAG_OFF_MS },
  });
  const metricsTopic = monitoringTopics(deps.topicPrefix).metrics;
  await manager.start();
  await waitFor(() => manager.ready, { what: 'the monitoring manager to join its group', timeoutMs: 60_000 });

  return {
    manager,
    async consumedBatches() {
      const { values } = await metrics.consumed.get();
      return values.filter((v) => v.labels.topic === metricsTopic && v.labels.event_type === MonitoringEventNames.metricBatch).reduce((n, v) => n + v.value, 0);
    },
    async flushed(timeoutMs) {
      await waitFor(() => manager.baselines().dirtySeries === 0, { what: 'the baselines flushed by the manager', timeoutMs, intervalMs: 5 });
      await manager.book.flush();
      const health = manager.baselines();
      if (health.store !== 'ok' || health.dirtySeries > 0) throw new Error(`baselines not safely in Redis: ${JSON.stringify(health)}`);
    },
    async close() {
      await manager.close();
      await metrics.close();
      await registry.close();
      redis.disconnect();
    },
  };
}
