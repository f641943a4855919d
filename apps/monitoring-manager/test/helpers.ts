import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { applyTopics, createKafka, createPublisher, headersToStrings, type Publisher } from '@tributary/broker';
import { loadConfig } from '@tributary/config';
import { createLogger, type Logger } from '@tributary/observability';
import { controlTopicCatalog, createEventCodec, createSchemaRegistryClient, dlqTopicFor, type SchemaRegistryClient, untypedCodec } from '@tributary/schemas';
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

  /** Publishes metric snapshots (MetricSnapshot values) as a service's reporter would. */
  async snapshots(points: readonly { service: string }[]): Promise<void> {
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

/** A private redis-server on a free port (no persistence): stopped and started again empty, as a real outage does. */
export class PrivateRedis {
  private process: ChildProcess | undefined;
  constructor(readonly port: number) {}

  static async create(): Promise<PrivateRedis> {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const redis = new PrivateRedis(port);
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.process = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitFor(
      async () => {
        const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        probe.on('error', () => undefined);
        try {
          await probe.connect();
          await probe.quit();
          return true;
        } catch {
          probe.disconnect();
          return false;
        }
      },
      { what: `redis-server on ${this.port}` },
    );
  }

  async stop(): Promise<void> {
    const p = this.process;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }
}
