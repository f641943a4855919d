import { loadConfig } from '@tributary/config';
import { type AvroRecordSchema, createEventCodec, createSchemaRegistryClient, untypedCodec } from '@tributary/schemas';
import { waitFor } from '@tributary/testing';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { createKafka } from '../../src/index.js';

export const config = loadConfig();

/** Record types the runtime tests send; registered under unique topics, so never clash. */
export const testSchemas: Record<'tributary.test.Command' | 'tributary.test.Done', AvroRecordSchema> = {
  'tributary.test.Command': {
    type: 'record',
    name: 'Command',
    namespace: 'tributary.test',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'seq', type: 'long' },
      { name: 'sentAt', type: 'long' },
      { name: 'note', type: 'string', default: '' },
    ],
  },
  'tributary.test.Done': {
    type: 'record',
    name: 'Done',
    namespace: 'tributary.test',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'seq', type: 'long' },
    ],
  },
};

export interface Command {
  id: string;
  seq: number;
  sentAt: number;
  note: string;
}

export function testCodec() {
  const registry = createSchemaRegistryClient({ url: config.schemaRegistry.url });
  return untypedCodec(createEventCodec({ registry, schemas: testSchemas }));
}

export function testKafka(clientId: string): Kafka {
  return createKafka({ brokers: config.kafka.brokers, clientId });
}

export async function createTopics(admin: Admin, topics: { topic: string; numPartitions: number }[]): Promise<void> {
  await admin.createTopics({ topics, waitForLeaders: true });
}

/** Reads `count` messages of `topic` from the beginning with a throwaway group. */
export async function readMessages(kafka: Kafka, topic: string, count: number, timeoutMs = 30_000): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${Date.now()}` });
  const seen: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        seen.push(message);
        return Promise.resolve();
      },
    });
    await waitFor(() => seen.length >= count, { timeoutMs, what: `${count} messages on ${topic} (saw ${seen.length})` });
    return seen;
  } finally {
    await consumer.disconnect();
  }
}
