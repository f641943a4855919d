import { loadConfig } from '@tributary/config';
import { createEventCodec, createSchemaRegistryClient, untypedCodec } from '@tributary/schemas';
import { createKafka } from '@tributary/broker';
import { waitFor } from '@tributary/testing';
import type { Kafka, KafkaMessage } from 'kafkajs';

export const config = loadConfig();

export function e2eKafka(clientId: string): Kafka {
  return createKafka({ brokers: config.kafka.brokers, clientId });
}

/** A codec that decodes any registered record with its writer's schema. */
export function readerCodec() {
  return untypedCodec(createEventCodec({ registry: createSchemaRegistryClient({ url: config.schemaRegistry.url }), schemas: {} }));
}

export interface ReadMessage {
  key: string | null;
  headers: Record<string, string>;
  partition: number;
  offset: string;
  timestamp: number;
  value: Buffer | null;
}

/**
 * Reads `topic` from the beginning as a read_committed consumer until at least `count` messages
 * arrived, then `settleMs` more with nothing new — so a test sees duplicates and extras, not only
 * the first `count`.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  count: number,
  options: { timeoutMs?: number; settleMs?: number } = {},
): Promise<ReadMessage[]> {
  const consumer = kafka.consumer({ groupId: `e2e-reader-${topic}-${Date.now()}-${Math.random().toString(36).slice(2)}`, readUncommitted: false });
  const seen: ReadMessage[] = [];
  let lastAt = Date.now();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message, partition }) => {
        seen.push(toRead(message, partition));
        lastAt = Date.now();
        return Promise.resolve();
      },
    });
    await waitFor(() => seen.length >= count, { timeoutMs: options.timeoutMs ?? 120_000, what: `${count} messages on ${topic} (saw ${seen.length})` });
    const settleMs = options.settleMs ?? 2_000;
    await waitFor(() => Date.now() - lastAt >= settleMs, { timeoutMs: settleMs * 10, what: `${topic} to settle` });
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

/** Reads `topic` from the beginning until `done` says what was seen is enough (for topics that never settle). */
export async function readUntil(kafka: Kafka, topic: string, done: (seen: readonly ReadMessage[]) => boolean, timeoutMs = 60_000): Promise<ReadMessage[]> {
  const consumer = kafka.consumer({ groupId: `e2e-reader-${topic}-${Date.now()}-${Math.random().toString(36).slice(2)}`, readUncommitted: false });
  const seen: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message, partition }) => {
        seen.push(toRead(message, partition));
        return Promise.resolve();
      },
    });
    await waitFor(() => done(seen), { timeoutMs, what: `enough of ${topic} (saw ${seen.length})` });
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

function toRead(message: KafkaMessage, partition: number): ReadMessage {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) headers[k] = first.toString();
  }
  return {
    key: message.key ? message.key.toString() : null,
    headers,
    partition,
    offset: message.offset,
    timestamp: Number(message.timestamp),
    value: message.value,
  };
}
