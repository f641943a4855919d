import { applyTopics, createKafka, createPublisher, headersToStrings, type Publisher } from '@tributary/broker';
import { loadConfig } from '@tributary/config';
import { controlTopics, createEventCodec, createSchemaRegistryClient, pipelineDataTopics, type SchemaRegistryClient, untypedCodec, type UntypedEventCodec } from '@tributary/schemas';
import { uniqueName } from '@tributary/testing';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';

export interface ReadMessage {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  partition: number;
  offset: string;
}

/** The real stack for one suite: its own topic prefix, clients, and readers that collect topics. */
export interface Stack {
  prefix: string;
  kafka: Kafka;
  admin: Admin;
  registry: SchemaRegistryClient;
  codec: UntypedEventCodec;
  publisher: Publisher;
  producer: Producer;
  /** Provisions the pipeline's data topics and writes version `version` of its definition. */
  createPipeline(id: string, definition: Record<string, unknown>, version?: number): Promise<void>;
  /** Writes raw JSON records (or any bytes) to the pipeline's `.raw` topic. */
  sendRaw(id: string, records: { value: string | Buffer; recordId?: string; timestamp?: number; batchId?: string }[]): Promise<void>;
  /** Every message of `topic` so far (read_committed), collected from the beginning by a reader of its own. */
  read(topic: string): Promise<ReadMessage[]>;
  close(): Promise<void>;
}

export async function createStack(): Promise<Stack> {
  const config = loadConfig();
  const prefix = uniqueName('t');
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: 'staging-manager-test' });
  const admin = kafka.admin();
  await admin.connect();
  const wanted = new Set([`${prefix}.pipeline.definitions`, `${prefix}.pipeline.events`, `${prefix}.staging.events`]);
  await applyTopics({ admin, catalog: controlTopics({ prefix, deadLetters: false }).filter((t) => wanted.has(t.name)) });
  const registry = createSchemaRegistryClient({ url: config.schemaRegistry.url, clientId: 'staging-manager-test' });
  const codec = untypedCodec(createEventCodec({ registry }));
  const publisher = createPublisher({ kafka, codec });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const readers = new Map<string, { consumer: Consumer; messages: ReadMessage[] }>();

  return {
    prefix,
    kafka,
    admin,
    registry,
    codec,
    publisher,
    producer,
    async createPipeline(id, definition, version = 1) {
      const stages = new Set(['raw', 'staged', 'rejected']);
      const specs = pipelineDataTopics(id, { prefix, partitions: 2 }).filter((t) => {
        const stage = t.name.replace(/\.dlq$/, '').split('.').pop() ?? '';
        return stages.has(stage) && (!t.name.endsWith('.dlq') || stage === 'raw');
      });
      await applyTopics({ admin, catalog: specs });
      const now = Date.now();
      await publisher.publish(
        `${prefix}.pipeline.definitions`,
        'tributary.pipeline.PipelineDefinition',
        { pipelineId: id, name: id, version, definition: JSON.stringify({ id, name: id, stages: [], ...definition }), createdAt: now, updatedAt: now, updatedBy: 'test' },
        { key: id },
      );
    },
    async sendRaw(id, records) {
      await producer.send({
        topic: `${prefix}.data.${id}.raw`,
        acks: -1,
        messages: records.map((r, i) => ({
          key: r.recordId ?? null,
          value: typeof r.value === 'string' ? Buffer.from(r.value, 'utf8') : r.value,
          ...(r.timestamp !== undefined ? { timestamp: String(r.timestamp) } : {}),
          headers: {
            'event-type': 'tributary.data.RawRecord',
            'content-type': 'application/json',
            'batch-id': r.batchId ?? 'batch-1',
            ...(r.recordId !== undefined ? { 'record-id': r.recordId } : {}),
            'correlation-id': `req-${i}`,
          },
        })),
      });
    },
    async read(topic) {
      let reader = readers.get(topic);
      if (!reader) {
        const consumer = kafka.consumer({ groupId: uniqueName(`${prefix}-reader`), readUncommitted: false });
        const messages: ReadMessage[] = [];
        reader = { consumer, messages };
        readers.set(topic, reader);
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await consumer.run({
          eachMessage: ({ partition, message }) => {
            messages.push({
              key: message.key?.toString('utf8') ?? null,
              value: message.value,
              headers: headersToStrings(message.headers),
              partition,
              offset: message.offset,
            });
            return Promise.resolve();
          },
        });
      }
      return reader.messages;
    },
    async close() {
      await Promise.all([...readers.values()].map((r) => r.consumer.disconnect()));
      await producer.disconnect();
      await publisher.close();
      await admin.disconnect();
      await registry.close();
    },
  };
}
