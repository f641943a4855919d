/**
 * What every benchmark needs from the running stack: a Kafka client, an admin, the real Avro codec
 * over the registry (with bench-only record types), and the bench topics, created with unique names
 * and deleted again at the end — only the ones this run created.
 */
import { loadConfig } from '@tributary/config';
import { type AvroRecordSchema, createEventCodec, createSchemaRegistryClient, untypedCodec } from '@tributary/schemas';
import { uniqueName } from '@tributary/testing';
import type { Admin, Kafka } from 'kafkajs';
import { Kafka as StockKafka, logLevel as stockLogLevel } from 'kafkajs-stock';
import { createKafka, type EventCodecPort } from '../src/index.js';

export const READING = 'tributary.bench.SensorReading';
export const COMMAND = 'tributary.bench.Command';

/** Bench-only record types, registered under unique topics like the integration tests' ones. */
export const benchSchemas: Record<typeof READING | typeof COMMAND, AvroRecordSchema> = {
  [READING]: {
    type: 'record',
    name: 'SensorReading',
    namespace: 'tributary.bench',
    fields: [
      { name: 'readingId', type: 'string' },
      { name: 'pipelineId', type: 'string' },
      { name: 'stage', type: 'string' },
      { name: 'seq', type: 'long' },
      { name: 'observedAt', type: 'long' },
      { name: 'value', type: 'double' },
      { name: 'unit', type: 'string' },
      { name: 'quality', type: 'string' },
      { name: 'note', type: 'string' },
    ],
  },
  [COMMAND]: {
    type: 'record',
    name: 'Command',
    namespace: 'tributary.bench',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'seq', type: 'long' },
      { name: 'sentAt', type: 'long' },
    ],
  },
};

export interface SensorReading {
  readingId: string;
  pipelineId: string;
  stage: string;
  seq: number;
  observedAt: number;
  value: number;
  unit: string;
  quality: string;
  note: string;
}

export interface Command {
  id: string;
  seq: number;
  /** Epoch ms when the command was published: latency is measured from here. */
  sentAt: number;
}

/** Distinct keys (pipelines): enough to spread evenly over the partitions. */
export const PIPELINES = 256;
const NOTE = 'reading accepted by the staging validator; forwarded to the quality stage';

/** The `seq`-th record of the throughput run: about 150 bytes of Avro. */
export function sensorReading(seq: number, observedAt: number): SensorReading {
  return {
    readingId: `rd-${seq.toString(36).padStart(12, '0')}`,
    pipelineId: `pipeline-${(seq % PIPELINES).toString().padStart(4, '0')}`,
    stage: 'transform',
    seq,
    observedAt,
    value: (seq % 1000) / 7,
    unit: 'celsius',
    quality: 'valid',
    note: NOTE,
  };
}

export interface BenchStack {
  kafka: Kafka;
  /** kafkajs 2.2.4 as published (npm alias `kafkajs-stock`): `kafka` runs it with Tributary's patch (docs/broker.md). */
  stockKafka: Kafka;
  admin: Admin;
  codec: EventCodecPort;
  /** Creates a topic with a unique name (and its `.dlq`, one partition) and remembers it for cleanup. */
  createTopic(prefix: string, partitions: number): Promise<string>;
  /** Deletes the topics this stack created (never any other), then disconnects. */
  close(options: { keepTopics: boolean }): Promise<string[]>;
}

export function benchCodec(): EventCodecPort {
  const registry = createSchemaRegistryClient({ url: loadConfig().schemaRegistry.url, clientId: 'tributary-bench' });
  return untypedCodec(createEventCodec({ registry, schemas: benchSchemas }));
}

export function benchKafka(clientId: string): Kafka {
  return createKafka({ brokers: loadConfig().kafka.brokers, clientId });
}

export async function openStack(): Promise<BenchStack> {
  const kafka = benchKafka('tributary-bench');
  const admin = kafka.admin();
  await admin.connect();
  const created: string[] = [];
  const { brokers } = loadConfig().kafka;
  const stockKafka = new StockKafka({ clientId: 'tributary-bench-stock', brokers, connectionTimeout: 3_000, logLevel: stockLogLevel.NOTHING });
  return {
    kafka,
    stockKafka,
    admin,
    codec: benchCodec(),
    async createTopic(prefix, partitions) {
      const topic = uniqueName(prefix);
      const topics = [
        { topic, numPartitions: partitions },
        { topic: `${topic}.dlq`, numPartitions: 1 },
      ];
      await admin.createTopics({ topics, waitForLeaders: true });
      created.push(...topics.map((t) => t.topic));
      return topic;
    },
    async close({ keepTopics }) {
      try {
        if (!keepTopics && created.length > 0) await admin.deleteTopics({ topics: created, timeout: 30_000 });
        return keepTopics ? [] : created;
      } finally {
        await admin.disconnect();
      }
    },
  };
}

/** Sum of the high watermarks of `topic`: how many records it holds (no compaction, no deletes). */
export async function recordCount(admin: Admin, topic: string, partitions?: (p: number) => boolean): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.filter((o) => !partitions || partitions(o.partition)).reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
}

/** Resolves when `done()` is true, polling every `intervalMs`; rejects after `timeoutMs` with `progress()`. */
export async function until(done: () => boolean, opts: { timeoutMs: number; what: string; progress: () => string; intervalMs?: number }): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${opts.timeoutMs} ms waiting for ${opts.what} (${opts.progress()})`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 5));
  }
}

/** Simulated handler work: the same cost per message whichever topic it comes from. */
export function busyMicros(micros: number): void {
  const end = performance.now() + micros / 1000;
  while (performance.now() < end) {
    // spin
  }
}
