/**
 * End-to-end throughput: publish N records and consume them, timed from the first publish to the
 * last record handled, with the consumer joined before the first publish. Once through
 * @tributary/broker (Avro via the registry, standard headers, batching publisher, consumer runner)
 * and once through plain kafkajs (pre-serialised JSON, `sendBatch`, `eachBatch`): the same records,
 * the same partition count, the same broker, in the same process. The runtime is handed record
 * objects made as it goes, as an application would; the baseline gets its bytes ready-made.
 */
import { randomUUID } from 'node:crypto';
import { uniqueName } from '@tributary/testing';
import type { KafkaMessage, Message } from 'kafkajs';
import { consumerRunnerDefaults, createConsumerRunner, createPublisher, eventHeaders, headersToStrings } from '../src/index.js';
import { publishWindowed } from './load.js';
import { PackedValues } from './packed.js';
import { type BenchStack, PIPELINES, READING, recordCount, sensorReading, until } from './stack.js';

export interface ThroughputResult {
  label: string;
  topic: string;
  records: number;
  /** First publish → last record handled. */
  seconds: number;
  /** First publish → last publish acknowledged. */
  publishSeconds: number;
  /** Key + value + header names and values of one record, as written. */
  bytesPerRecord: number;
}

export interface ThroughputOptions {
  records: number;
  partitions: number;
  /** Messages per `sendBatch` of the plain kafkajs baseline. */
  baselineBatch: number;
  /** Publishes the runtime caller keeps outstanding (its own back-pressure is bytes-based). */
  publishWindow: number;
}

export const rate = (r: ThroughputResult): number => r.records / r.seconds;
export const megabytesPerSecond = (r: ThroughputResult): number => (rate(r) * r.bytesPerRecord) / 1e6;

/** The `seq`-th record of a run that started at `at`; every variant writes the same records. */
const recordAt = (at: number) => (seq: number) => sensorReading(seq, at + seq);

function timeoutFor(records: number): number {
  return 60_000 + records / 2; // 10 minutes for a million: a stall, not a slow run
}

/** Through @tributary/broker: createPublisher + createConsumerRunner with the real codec. */
export async function runtimeThroughput(stack: BenchStack, opts: ThroughputOptions, label = 'tributary broker'): Promise<ThroughputResult> {
  const { kafka, codec } = stack;
  const topic = await stack.createTopic('bench-tp-runtime', opts.partitions);
  const record = recordAt(Date.now());
  // Registration happens once per (topic, type) at start-up in a service; keep it out of the clock.
  const encode = await codec.encoderFor(topic, READING);
  const sample = record(0);
  const headers = eventHeaders(READING, randomUUID(), {});
  const headerBytes = Object.entries(headers).reduce((n, [k, v]) => n + k.length + v.length, 0);
  const bytesPerRecord = encode(sample).length + sample.pipelineId.length + headerBytes;

  const publisher = createPublisher({ kafka, codec });
  let handled = 0;
  let lastAt = 0;
  const runner = createConsumerRunner({
    kafka,
    codec,
    publisher,
    groupId: uniqueName('bench-tp-runtime-group'),
    topics: [topic],
    handlers: {
      [READING]: () => {
        if (++handled === opts.records) lastAt = performance.now();
      },
    },
  });
  try {
    await runner.start();
    const startedAt = performance.now();
    await publishWindowed(opts.records, opts.publishWindow, (seq) => {
      const r = record(seq);
      return publisher.publish(topic, READING, r, { key: r.pipelineId });
    });
    const publishedAt = performance.now();
    await until(() => lastAt > 0, {
      timeoutMs: timeoutFor(opts.records),
      what: `${label} to consume ${opts.records} records`,
      progress: () => `handled ${handled}`,
    });
    return { label, topic, records: opts.records, seconds: (lastAt - startedAt) / 1000, publishSeconds: (publishedAt - startedAt) / 1000, bytesPerRecord };
  } finally {
    await runner.close();
    await publisher.close();
  }
}

/**
 * What the plain kafkajs baseline writes and reads. `json`: the baseline, pre-serialised JSON
 * without headers. `avro+headers`: the very bytes the runtime writes (Avro in the wire format plus
 * the standard headers), pre-encoded, read back with `headersToStrings` + `codec.decode`: the floor
 * of any kafkajs-based runtime with these headers, so the gap splits into "kafkajs with headers"
 * and "the runtime's own layers".
 */
export type BaselineVariant = 'json' | 'avro+headers';

interface BaselineCodec {
  /** Messages `from`…`to`−1, their values ready-made. */
  messages(from: number, to: number): Message[];
  bytesPerRecord: number;
  read(message: KafkaMessage): Promise<unknown>;
}

async function baselineCodec(stack: BenchStack, topic: string, variant: BaselineVariant, records: number): Promise<BaselineCodec> {
  const record = recordAt(Date.now());
  const keyOf = (seq: number) => record(seq).pipelineId;
  const keys = Array.from({ length: PIPELINES }, (_, seq) => keyOf(seq));
  const headerBytes = (h: Record<string, string>) => Object.entries(h).reduce((n, [k, v]) => n + k.length + v.length, 0);
  if (variant === 'json') {
    const values = PackedValues.of(records, (seq) => Buffer.from(JSON.stringify(record(seq))));
    return {
      messages: (from, to) => Array.from({ length: to - from }, (_, i) => ({ key: keys[(from + i) % PIPELINES]!, value: values.at(from + i) })),
      bytesPerRecord: values.at(0).length + keys[0]!.length,
      // A real consumer reads what it got: the baseline decodes too.
      read: (m) => Promise.resolve(JSON.parse(m.value!.toString('utf8')) as unknown),
    };
  }
  const encode = await stack.codec.encoderFor(topic, READING);
  const values = PackedValues.of(records, (seq) => encode(record(seq)));
  return {
    // Headers are made per message, as the runtime makes them: a new event id each.
    messages: (from, to) =>
      Array.from({ length: to - from }, (_, i) => ({
        key: keys[(from + i) % PIPELINES]!,
        value: values.at(from + i),
        headers: eventHeaders(READING, randomUUID(), {}),
      })),
    bytesPerRecord: values.at(0).length + keys[0]!.length + headerBytes(eventHeaders(READING, randomUUID(), {})),
    read: (m) => {
      headersToStrings(m.headers);
      return stack.codec.decode(m.value!);
    },
  };
}

/**
 * Plain kafkajs: records serialised before the clock starts, `sendBatch` of fixed size, `eachBatch`.
 * `client`: kafkajs as published (`stock`, the baseline) or with Tributary's patch, as the runtime runs it.
 */
export async function kafkajsThroughput(
  stack: BenchStack,
  opts: ThroughputOptions,
  variant: BaselineVariant,
  label: string,
  client: 'stock' | 'patched' = 'stock',
): Promise<ThroughputResult> {
  const kafka = client === 'stock' ? stack.stockKafka : stack.kafka;
  const topic = await stack.createTopic(`bench-tp-kafkajs-${variant === 'json' ? 'json' : 'avro'}`, opts.partitions);
  const { messages, bytesPerRecord, read } = await baselineCodec(stack, topic, variant, opts.records);

  // Like the runtime's publisher: idempotent, one request in flight, acks=all.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: uniqueName('bench-tp-kafkajs-group'), maxBytesPerPartition: consumerRunnerDefaults.maxBytesPerPartition });
  let handled = 0;
  let lastAt = 0;
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  try {
    await Promise.all([producer.connect(), consumer.connect()]);
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: consumerRunnerDefaults.partitionsConsumedConcurrently,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        for (const message of batch.messages) {
          if (!isRunning() || isStale()) break;
          await read(message);
          resolveOffset(message.offset);
          if (++handled === opts.records) lastAt = performance.now();
        }
        await heartbeat();
      },
    });
    await until(() => joined, { timeoutMs: 60_000, what: `${label} to join its group`, progress: () => 'not joined' });
    const startedAt = performance.now();
    for (let i = 0; i < opts.records; i += opts.baselineBatch) {
      const batch = messages(i, Math.min(opts.records, i + opts.baselineBatch));
      await producer.sendBatch({ topicMessages: [{ topic, messages: batch }], acks: -1 });
    }
    const publishedAt = performance.now();
    await until(() => lastAt > 0, {
      timeoutMs: timeoutFor(opts.records),
      what: `${label} to consume ${opts.records} records`,
      progress: () => `handled ${handled}`,
    });
    return { label, topic, records: opts.records, seconds: (lastAt - startedAt) / 1000, publishSeconds: (publishedAt - startedAt) / 1000, bytesPerRecord };
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
}

/** Both sides wrote every record exactly once (no retries duplicated a batch). */
export async function assertWritten(stack: BenchStack, result: ThroughputResult): Promise<void> {
  const written = await recordCount(stack.admin, result.topic);
  if (written !== result.records) throw new Error(`${result.label}: ${written} records on ${result.topic}, expected ${result.records}`);
}
