/**
 * The consumer process of remote-consumer.ts: runs one ConsumerJob (a consumer runner of
 * @tributary/broker, or a plain kafkajs consumer), reports progress and RSS every 250 ms to the
 * parent, and the outcome once the job's count is reached; then leaves its group and exits.
 */
import { priorityBands } from '@tributary/schemas';
import type { Consumer } from 'kafkajs';
import { type ConsumedEvent, createConsumerRunner, createPublisher, type ConsumerRunner, type Publisher } from '../src/index.js';
import type { ChildMessage, ConsumerJob, ConsumerProgress } from './remote-consumer.js';
import { benchCodec, benchKafka, busyMicros, COMMAND, type Command, READING } from './stack.js';

const SAMPLE_MS = 250;
const job = JSON.parse(process.env.BENCH_CONSUMER_JOB ?? '{}') as ConsumerJob;
/** Resolves once the message is handed to the IPC channel, so exiting right after cannot lose it. */
const send = (m: ChildMessage) => new Promise<void>((resolve) => (process.send ? process.send(m, undefined, undefined, () => resolve()) : resolve()));

const kafka = benchKafka(`tributary-bench-${job.kind}-consumer`);
const codec = benchCodec();
let handled = 0;
let lowHandled = 0;
const highs: { sentAt: number; latency: number }[] = [];
let joinedAt = 0;
let lastAt = 0;
const samples: ConsumerProgress[] = [];

const finished = () => (job.records !== undefined && handled >= job.records) || (job.highs !== undefined && highs.length >= job.highs);

function onRecord(): void {
  handled++;
  if (lastAt === 0 && finished()) lastAt = performance.now();
}

function sample(): ConsumerProgress {
  return { handled, lowHandled, highHandled: highs.length, rss: process.memoryUsage().rss, at: Math.round(performance.now() - joinedAt) };
}

let runner: ConsumerRunner | undefined;
let publisher: Publisher | undefined;
let consumer: Consumer | undefined;

async function start(): Promise<void> {
  if (job.kind === 'runtime') {
    const bands = job.bandedPartitions ? priorityBands(job.bandedPartitions) : undefined;
    publisher = createPublisher({ kafka, codec });
    runner = createConsumerRunner({
      kafka,
      codec,
      publisher,
      ...(bands ? { bandsOf: (t: string) => (t === job.topic ? bands : undefined) } : {}),
      groupId: job.groupId,
      topics: [job.topic],
      handlers: {
        [READING]: onRecord,
        [COMMAND]: (event: ConsumedEvent<Command>) => {
          if (event.priority === 'high') highs.push({ sentAt: event.value.sentAt, latency: Date.now() - event.value.sentAt });
          else lowHandled++;
          if (job.handlerMicros) busyMicros(job.handlerMicros);
          onRecord();
        },
      },
    });
    await runner.start();
    return;
  }
  consumer = kafka.consumer({ groupId: job.groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: job.topic, fromBeginning: true });
  let joined!: () => void;
  const join = new Promise<void>((r) => (joined = r));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.run({
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) break;
        JSON.parse(message.value!.toString('utf8'));
        resolveOffset(message.offset);
        onRecord();
      }
      await heartbeat();
    },
  });
  await join;
}

async function close(): Promise<void> {
  await runner?.close();
  await publisher?.close();
  await consumer?.disconnect();
}

async function main(): Promise<void> {
  await start();
  joinedAt = performance.now();
  const startRss = process.memoryUsage().rss;
  await send({ kind: 'ready', rss: startRss });
  const timer = setInterval(() => {
    const s = sample();
    samples.push(s);
    void send({ kind: 'progress', ...s });
  }, SAMPLE_MS);
  while (lastAt === 0) await new Promise((r) => setTimeout(r, 20));
  clearInterval(timer);
  const end = sample();
  samples.push(end);
  await send({ kind: 'done', startRss, samples, endRss: end.rss, seconds: (lastAt - joinedAt) / 1000, highs });
  await close();
}

process.once('SIGTERM', () => void close().finally(() => process.exit(0)));
main().then(
  () => process.exit(0),
  (err: unknown) => {
    void send({ kind: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) })
      .then(close)
      .finally(() => process.exit(1));
  },
);
