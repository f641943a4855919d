import { applyTopics, createKafka, createPublisher, headersToStrings, type Publisher } from '@tributary/broker';
import { loadConfig } from '@tributary/config';
import { createLogger, type Logger } from '@tributary/observability';
import { createDefinitionsView, createPipelineEventsView, pipelineStateSource } from '@tributary/pipeline-state';
import type { PipelineDefinition } from '@tributary/pipelines';
import {
  controlTopicCatalog,
  createEventCodec,
  createSchemaRegistryClient,
  dlqTopicFor,
  pipelineDataTopics,
  type SchemaRegistryClient,
  untypedCodec,
} from '@tributary/schemas';
import { uniqueName } from '@tributary/testing';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { createOutputCodec, type OutputCodec } from '../src/checking/codec.js';
import { qualityTopics, type QualityTopics } from '../src/checking/topics.js';
import { createQualityManager, type QualityManager, type QualityManagerDeps } from '../src/manager.js';
import type { QualityManagerOptions } from '../src/options.js';
import type { QualityTrackerOptions } from '../src/windows/tracker.js';

export interface Seen {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  type: string;
  value: Record<string, unknown>;
  headers: Record<string, string>;
}

export interface TestPipeline {
  readonly topics: QualityTopics;
  readonly codec: OutputCodec;
}

/**
 * The shared real stack for one spec file: a topic prefix of its own with the control topics the
 * quality manager reads, clients, and helpers to write definitions, run events and `.processed`
 * records the way the pipeline manager and processors would. Each test uses pipelines of its own.
 */
export class Stack {
  readonly prefix = uniqueName('tq');
  readonly config = loadConfig();
  readonly logLines: string[] = [];
  readonly logger: Logger = createLogger({
    service: 'quality-manager-test',
    level: 'info',
    destination: { write: (l: string) => void this.logLines.push(l) },
  });
  readonly kafka: Kafka = createKafka({ brokers: this.config.kafka.brokers, clientId: 'quality-manager-test' });
  readonly registry: SchemaRegistryClient = createSchemaRegistryClient({ url: this.config.schemaRegistry.url, clientId: 'quality-manager-test' });
  readonly admin: Admin = this.kafka.admin();
  readonly publisher: Publisher = createPublisher({ kafka: this.kafka, codec: untypedCodec(createEventCodec({ registry: this.registry })) });
  readonly producer: Producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  private readonly consumers: Consumer[] = [];
  private readonly closeables: { close(): Promise<void> }[] = [];

  get eventsTopic(): string {
    return controlTopicCatalog({ prefix: this.prefix }).events.pipeline.name;
  }

  async start(): Promise<void> {
    await this.admin.connect();
    const c = controlTopicCatalog({ prefix: this.prefix });
    const control = [c.events.pipeline, c.events.staging, c.events.quality, c.commands.quality, c.pipelineDefinitions];
    await applyTopics({ admin: this.admin, catalog: control.flatMap((t) => [t, dlqTopicFor(t)]) });
    await this.producer.connect();
  }

  /** A quality manager on this stack; closed by `close()`. */
  async qualityManager(
    options: Partial<QualityManagerOptions> = {},
    trackerOptions: Partial<QualityTrackerOptions> = {},
    deps: Pick<QualityManagerDeps, 'metricsRegistry'> = {},
  ): Promise<QualityManager> {
    const viewOptions = { kafka: this.kafka, codec: createEventCodec({ registry: this.registry }), topicPrefix: this.prefix, logger: this.logger };
    const manager = createQualityManager({
      kafka: this.kafka,
      registry: this.registry,
      source: pipelineStateSource({ definitions: createDefinitionsView(viewOptions), events: createPipelineEventsView(viewOptions) }),
      topicPrefix: this.prefix,
      instanceId: uniqueName('qm'),
      logger: this.logger,
      options: { commitEvery: 200, sessionTimeoutMs: 10_000, shutdownTimeoutMs: 10_000, ...options },
      trackerOptions: { flushIntervalMs: 1_000, allowedLateness: '5s', idleMs: 5_000, ...trackerOptions },
      ...deps,
    });
    this.closeables.push(manager);
    await manager.start();
    return manager;
  }

  /** Provisions a pipeline's data topics, writes its definition and starts its live run. */
  async runPipeline(definition: PipelineDefinition, runId: string): Promise<TestPipeline> {
    await applyTopics({ admin: this.admin, catalog: pipelineDataTopics(definition.id, { prefix: this.prefix, partitions: 2 }) });
    const now = Date.now();
    await this.publisher.publish(
      controlTopicCatalog({ prefix: this.prefix }).pipelineDefinitions.name,
      'tributary.pipeline.PipelineDefinition',
      { pipelineId: definition.id, name: definition.name, version: 1, definition: JSON.stringify(definition), createdAt: now, updatedAt: now, updatedBy: 'test' },
      { key: definition.id },
    );
    await this.publisher.publish(
      this.eventsTopic,
      'tributary.pipeline.RunStarted',
      { pipelineId: definition.id, runId, pipelineVersion: 1, mode: 'live', replayFrom: null, replayUntil: null, startedBy: 'test', startedAt: now },
      { key: definition.id },
    );
    const codec = createOutputCodec(this.registry, definition);
    this.closeables.push(codec.codec);
    return { topics: qualityTopics(this.prefix, definition.id), codec };
  }

  /**
   * Writes Avro Output records to `.processed` as a processor would, keyed by `key` (default the
   * record id), with the broker timestamp `timestamp` when given (the topics keep producer times).
   */
  async process(
    pipeline: TestPipeline,
    records: readonly { recordId: string; key?: string; value: Record<string, unknown>; timestamp?: number }[],
    runId: string,
  ): Promise<void> {
    const encode = await pipeline.codec.codec.encoderFor(pipeline.topics.processed, pipeline.codec.outputType);
    for (let i = 0; i < records.length; i += 1000) {
      await this.producer.send({
        topic: pipeline.topics.processed,
        acks: -1,
        messages: records.slice(i, i + 1000).map((r) => ({
          key: r.key ?? r.recordId,
          ...(r.timestamp === undefined ? {} : { timestamp: String(r.timestamp) }),
          value: encode(r.value),
          headers: { 'record-id': r.recordId, 'run-id': runId, 'pipeline-version': '1', 'event-type': pipeline.codec.outputType },
        })),
      });
    }
  }

  /** `<prefix>.quality.events`. */
  get qualityEventsTopic(): string {
    return controlTopicCatalog({ prefix: this.prefix }).events.quality.name;
  }

  /** Reads `topics` from the beginning, committed records only, decoding with `codec`, into a live array. */
  async read(topics: string[], codec: Pick<OutputCodec, 'codec'>): Promise<Seen[]> {
    const seen: Seen[] = [];
    const consumer = this.kafka.consumer({ groupId: uniqueName(`${this.prefix}-read`), readUncommitted: false });
    this.consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        if (!message.value) return;
        const decoded = await codec.codec.decode(message.value);
        seen.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          type: decoded.type,
          value: decoded.value as Record<string, unknown>,
          headers: headersToStrings(message.headers),
        });
      },
    });
    return seen;
  }

  async close(): Promise<void> {
    for (const c of this.consumers) await c.disconnect().catch(() => undefined);
    for (const c of [...this.closeables].reverse()) await c.close().catch(() => undefined);
    await this.publisher.close();
    await this.producer.disconnect();
    await this.registry.close();
    await this.admin.disconnect();
  }
}

/** A lowercase, unique pipeline id (pipeline ids are topic name segments). */
export const pipelineId = (what: string) => uniqueName(what).toLowerCase();
