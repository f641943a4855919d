import { randomUUID } from 'node:crypto';
import { applyTopics, createKafka, createPublisher, type Publisher } from '@tributary/broker';
import { loadConfig } from '@tributary/config';
import { createMetrics, type TributaryMetrics } from '@tributary/observability';
import type { ViewEvent } from '@tributary/pipeline-state';
import {
  controlTopics,
  createEventCodec,
  createSchemaRegistryClient,
  type SchemaRegistryClient,
  type UntypedEventCodec,
  untypedCodec,
} from '@tributary/schemas';
import { uniqueName } from '@tributary/testing';
import type { Admin, Kafka } from 'kafkajs';
import { createPipelineManager, type PipelineManager } from '../../src/manager.js';
import type { PipelineManagerOptionsInput } from '../../src/options.js';

const config = loadConfig();

export interface ManagerStack {
  prefix: string;
  kafka: Kafka;
  admin: Admin;
  registry: SchemaRegistryClient;
  codec: UntypedEventCodec;
  publisher: Publisher;
  manager: PipelineManager;
  /** The managers' metrics (without the process series): each one adds its record series to this registry. */
  metrics: TributaryMetrics;
  /** A new manager instance on the same topics (the old one should be closed first). */
  restart(): Promise<PipelineManager>;
  /** Sends a command and waits for the event answering it (by correlation id). */
  send(type: string, value: Record<string, unknown>, answerTypes?: string[]): Promise<ViewEvent>;
  publishEvent(topic: 'pipeline' | 'staging', type: string, value: unknown, key: string): Promise<void>;
  close(): Promise<void>;
}

/** A unique prefix with the pipeline manager's control topics, and a started manager on them. */
export async function createManagerStack(options: PipelineManagerOptionsInput = {}): Promise<ManagerStack> {
  const prefix = uniqueName('pm');
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: 'pipeline-manager-test' });
  const registry = createSchemaRegistryClient({ url: config.schemaRegistry.url });
  const codec = untypedCodec(createEventCodec({ registry }));
  const admin = kafka.admin();
  await admin.connect();
  const wanted = new Set(['pipeline.commands', 'pipeline.events', 'staging.events', 'pipeline.definitions'].map((t) => `${prefix}.${t}`));
  await applyTopics({ admin, catalog: controlTopics({ prefix }).filter((t) => wanted.has(t.name.replace(/\.dlq$/, ''))) });
  const publisher = createPublisher({ kafka, codec, options: { lingerMs: 0 } });
  const metrics = createMetrics({ service: 'pipeline-manager-test', collectDefaultMetrics: false });
  const make = () =>
    createPipelineManager({
      kafka,
      registry,
      codec,
      admin,
      topicPrefix: prefix,
      metricsRegistry: metrics.registry,
      options: { viewWaitTimeoutMs: 15_000, ...options },
    });
  const stack: ManagerStack = {
    prefix,
    kafka,
    admin,
    registry,
    codec,
    publisher,
    manager: make(),
    metrics,
    async restart() {
      stack.manager = make();
      await stack.manager.start();
      return stack.manager;
    },
    async send(type, value, answerTypes) {
      const correlationId = randomUUID();
      const answer = stack.manager.events.waitForCorrelation(correlationId, 45_000, answerTypes ? { types: answerTypes } : {});
      await publisher.publish(`${prefix}.pipeline.commands`, type, { requestedBy: 'tester', requestedAt: Date.now(), ...value }, {
        key: String(value.pipelineId),
        correlationId,
        priority: 'high',
      });
      return answer;
    },
    async publishEvent(topic, type, value, key) {
      await publisher.publish(`${prefix}.${topic}.events`, type, value, { key });
    },
    async close() {
      await stack.manager.close();
      await publisher.close();
      await admin.disconnect();
      await codec.close();
      await registry.close();
      await metrics.close();
    },
  };
  await stack.manager.start();
  return stack;
}

/** A valid definition (JSON text) for `id`; `extraFields` are added to the input schema. */
export function definitionFor(id: string, extraFields: Record<string, unknown>[] = []): string {
  return JSON.stringify({
    id,
    name: `Pipeline ${id}`,
    input: {
      schema: [
        { name: 'id', type: 'string' },
        { name: 'price', type: 'double' },
        { name: 'quantity', type: 'int' },
        ...extraFields,
      ],
    },
    key: ['id'],
    stages: [{ id: 'totals', type: 'derive', fields: { total: { expr: 'price * double(quantity)', type: 'double' } } }],
  });
}
