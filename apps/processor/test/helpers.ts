import { applyTopics, createKafka, createPublisher, headersToStrings, type Publisher } from '@tributary/broker';
import { loadConfig } from '@tributary/config';
import { createLogger, createMetrics, type Logger, type TributaryMetrics } from '@tributary/observability';
import { createDefinitionsView, createPipelineEventsView } from '@tributary/pipeline-state';
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
import { createVersionCodec, type VersionCodec } from '../src/processing/index.js';
import { pipelineTopics, type PipelineTopics } from '../src/processing/index.js';
import { createProcessor } from '../src/runtime/index.js';
import type { Processor } from '../src/runtime/index.js';
import type { ProcessorOptions } from '../src/options.js';
import { pipelineStateSource } from '@tributary/pipeline-state';
import type { PipelineSource } from '@tributary/pipeline-state';

export interface Seen {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  type: string;
  value: Record<string, unknown>;
  headers: Record<string, string>;
}

/**
 * The shared real stack for one spec file: a topic prefix of its own with the control topics the
 * processor reads and writes, clients, and helpers to write definitions, run events and `.staged`
 * records the way the pipeline and staging managers would. Each test uses pipelines of its own.
 */
export class Stack {
  readonly prefix = uniqueName('tp');
  readonly config = loadConfig();
  readonly logLines: string[] = [];
  readonly logger: Logger = createLogger({
    service: 'processor-test',
    level: 'info',
    destination: { write: (l: string) => void this.logLines.push(l) },
  });
  readonly kafka: Kafka = createKafka({ brokers: this.config.kafka.brokers, clientId: 'processor-test' });
  readonly registry: SchemaRegistryClient = createSchemaRegistryClient({ url: this.config.schemaRegistry.url, clientId: 'processor-test' });
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
    const control = [c.events.pipeline, c.events.staging, c.pipelineDefinitions];
    await applyTopics({ admin: this.admin, catalog: control.flatMap((t) => [t, dlqTopicFor(t)]) });
    await this.producer.connect();
  }

  /** A processor on this stack with its pipeline-state source; closed by `close()`. */
  async processor(overrides: { processorId?: string; options?: Partial<ProcessorOptions> } = {}): Promise<{ processor: Processor; source: PipelineSource; metrics: TributaryMetrics }> {
    const codec = createEventCodec({ registry: this.registry });
    const viewOptions = { kafka: this.kafka, codec, topicPrefix: this.prefix, logger: this.logger };
    const source = pipelineStateSource({ definitions: createDefinitionsView(viewOptions), events: createPipelineEventsView(viewOptions) });
    const metrics = createMetrics({ service: 'processor-test' });
    const processor = createProcessor({
      kafka: this.kafka,
      registry: this.registry,
      source,
      topicPrefix: this.prefix,
      processorId: overrides.processorId ?? uniqueName('proc'),
      publicUrl: 'http://127.0.0.1:1',
      logger: this.logger,
      metrics,
      options: { announceIntervalMs: 500, commitEvery: 20, sessionTimeoutMs: 10_000, shutdownTimeoutMs: 10_000, ...overrides.options },
    });
    this.closeables.push(metrics, source, processor);
    await source.start();
    await processor.start();
    return { processor, source, metrics };
  }

  /** Provisions a pipeline's data topics and writes its definition (as the pipeline manager does). */
  async createPipeline(definition: PipelineDefinition, version = 1): Promise<{ topics: PipelineTopics; codec: VersionCodec }> {
    await applyTopics({ admin: this.admin, catalog: pipelineDataTopics(definition.id, { prefix: this.prefix, partitions: 2 }) });
    await this.writeDefinition(definition, version);
    const codec = createVersionCodec(this.registry, definition);
    this.closeables.push(codec.codec);
    return { topics: pipelineTopics(this.prefix, definition.id), codec };
  }

  async writeDefinition(definition: PipelineDefinition, version: number): Promise<void> {
    const now = Date.now();
    await this.publisher.publish(
      controlTopicCatalog({ prefix: this.prefix }).pipelineDefinitions.name,
      'tributary.pipeline.PipelineDefinition',
      { pipelineId: definition.id, name: definition.name, version, definition: JSON.stringify(definition), createdAt: now, updatedAt: now, updatedBy: 'test' },
      { key: definition.id },
    );
  }

  async startRun(pipelineId: string, runId: string, version = 1, mode: 'live' | 'replay' = 'live'): Promise<void> {
    await this.publisher.publish(
      this.eventsTopic,
      'tributary.pipeline.RunStarted',
      { pipelineId, runId, pipelineVersion: version, mode, replayFrom: mode === 'replay' ? 0 : null, replayUntil: null, startedBy: 'test', startedAt: Date.now() },
      { key: pipelineId },
    );
  }

  async stopRun(pipelineId: string, runId: string): Promise<void> {
    await this.publisher.publish(
      this.eventsTopic,
      'tributary.pipeline.RunStopped',
      { pipelineId, runId, reason: 'test', stoppedBy: 'test', stoppedAt: Date.now() },
      { key: pipelineId },
    );
  }

  /** Writes Avro Input records to `.staged` as the staging manager would; `runId` tags a replay. */
  async stage(
    pipeline: { topics: PipelineTopics; codec: VersionCodec },
    records: readonly Record<string, unknown>[],
    opts: { runId?: string; version?: number; batchId?: string; recordIds?: string[] } = {},
  ): Promise<void> {
    const encode = await pipeline.codec.codec.encoderFor(pipeline.topics.staged, pipeline.codec.inputType);
    const batchId = opts.batchId ?? uniqueName('batch');
    await this.producer.send({
      topic: pipeline.topics.staged,
      acks: -1,
      messages: records.map((r, i) => {
        // Ids derived from the key, as staging derives them for a pipeline with key fields: the same
        // order always lands in the same partition.
        const recordId = opts.recordIds?.[i] ?? `k-${String(r.id)}`;
        const headers: Record<string, string> = {
          'record-id': recordId,
          'batch-id': batchId,
          'pipeline-version': String(opts.version ?? 1),
          'event-type': pipeline.codec.inputType,
        };
        if (opts.runId) headers['run-id'] = opts.runId;
        return { key: recordId, value: encode(r), headers };
      }),
    });
  }

  /** Reads `topics` from the beginning, committed records only, decoding with `codec`, into a live array. */
  async read(topics: string[], codec: VersionCodec): Promise<Seen[]> {
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
