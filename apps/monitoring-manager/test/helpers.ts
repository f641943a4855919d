import { applyTopics, createKafka, createPublisher, headersToStrings, metricBatchesOf, type Publisher } from '@tributary/broker';
import { loadConfig } from '@tributary/config';
import { createLogger, type Logger } from '@tributary/observability';
import { controlTopicCatalog, createEventCodec, createSchemaRegistryClient, dlqTopicFor, type MetricSnapshot, type SchemaRegistryClient, untypedCodec } from '@tributary/schemas';
import { uniqueName, waitFor } from '@tributary/testing';
import { Redis } from 'ioredis';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { createMonitoringManager, type MonitoringManager } from '../src/manager.js';
import { MonitoringEventNames, monitoringTopics } from '../src/names.js';
import type { MonitoringManagerOptions } from '../src/options.js';

export interface Seen {
  topic: string;
  key: string | null;
  type: string;
  value: Record<string, unknown>;
  headers: Record<string, string>;
}

/** The real stack for one spec file: a topic prefix of its own with the monitoring topics, and clients. */
export class Stack {
  readonly prefix = uniqueName('tm');
  readonly config = loadConfig();
  readonly logLines: string[] = [];
  readonly logger: Logger = createLogger({ service: 'monitoring-manager-test', level: 'info', destination: { write: (l: string) => void this.logLines.push(l) } });
  readonly kafka: Kafka = createKafka({ brokers: this.config.kafka.brokers, clientId: 'monitoring-manager-test' });
  readonly registry: SchemaRegistryClient = createSchemaRegistryClient({ url: this.config.schemaRegistry.url, clientId: 'monitoring-manager-test' });
  readonly admin: Admin = this.kafka.admin();
  readonly codec = untypedCodec(createEventCodec({ registry: this.registry }));
  readonly publisher: Publisher = createPublisher({ kafka: this.kafka, codec: this.codec });
  readonly topics = monitoringTopics(this.prefix);
  private readonly consumers: Consumer[] = [];
  private readonly managers: MonitoringManager[] = [];

  async start(): Promise<void> {
    await this.admin.connect();
    const c = controlTopicCatalog({ prefix: this.prefix });
    const control = [c.monitoringMetrics, c.monitoringAlerts, c.events.monitoring, c.commands.monitoring];
    await applyTopics({ admin: this.admin, catalog: control.flatMap((t) => [t, dlqTopicFor(t)]) });
  }

  /** A monitoring manager on this stack with `redis`; closed by `close()` unless closed before. */
  async manager(redis: Redis, options: Partial<MonitoringManagerOptions> = {}, instanceId = uniqueName('mm')): Promise<MonitoringManager> {
    const manager = createMonitoringManager({
      kafka: this.kafka,
      registry: this.registry,
      redis,
      topicPrefix: this.prefix,
      instanceId,
      logger: this.logger,
      options: { tickMs: 200, sessionTimeoutMs: 10_000, heartbeatTimeoutMs: 1_500, lagIntervalMs: 1_000, ...options },
    });
    this.managers.push(manager);
    await manager.start();
    await waitFor(() => manager.ready, { what: 'the monitoring manager to join its group' });
    return manager;
  }

  /** Publishes metric samples as a service's reporter does (libs/broker's monitoring sink): MetricBatch records, keyed by service. Resolves with the records' event ids. */
  async report(points: readonly MetricSnapshot[]): Promise<string[]> {
    const receipts = await Promise.all(metricBatchesOf(points).map((b) => this.publisher.publish(this.topics.metrics, MonitoringEventNames.metricBatch, b, { key: b.service })));
    return receipts.map((r) => r.eventId);
  }

  /** Publishes one MetricSnapshot record per point, as services wrote before MetricBatch (history that is replayed must stay readable). */
  async snapshots(points: readonly MetricSnapshot[]): Promise<void> {
    await Promise.all(points.map((p) => this.publisher.publish(this.topics.metrics, MonitoringEventNames.metricSnapshot, p, { key: p.service })));
  }

  async heartbeat(service: string, instance: string, sentAt: number, ready = true): Promise<void> {
    await this.publisher.publish(this.topics.metrics, MonitoringEventNames.heartbeat, { service, instance, version: '1.0.0', ready, startedAt: 0, sentAt }, { key: service });
  }

  /** Reads `topic` from the beginning into a live array, decoded. */
  async read(topic: string): Promise<Seen[]> {
    const seen: Seen[] = [];
    const consumer = this.kafka.consumer({ groupId: uniqueName(`${this.prefix}-read`), readUncommitted: false });
    this.consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic: t, message }) => {
        if (!message.value) return;
        const decoded = await this.codec.decode(message.value);
        seen.push({ topic: t, key: message.key?.toString('utf8') ?? null, type: decoded.type, value: decoded.value as Record<string, unknown>, headers: headersToStrings(message.headers) });
      },
    });
    return seen;
  }

  /**
   * Closes the managers started so far: they share one consumer group, so a test's manager must not
   * be left holding the partitions of the next test's services.
   */
  async closeManagers(): Promise<void> {
    for (const m of this.managers.splice(0)) await m.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    for (const c of this.consumers) await c.disconnect().catch(() => undefined);
    await this.closeManagers();
    await this.publisher.close();
    await this.codec.close();
    await this.registry.close();
    await this.admin.disconnect();
  }
}

/** A Redis client that fails fast while its server is down, as the manager's main.ts creates it. */
export async function fastRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => 100, lazyConnect: true });
  redis.on('error', () => undefined);
  await redis.connect();
  return redis;
}
