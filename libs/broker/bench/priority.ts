/**
 * Priority under load: high-priority commands arrive at a steady rate while a backlog of
 * low-priority ones waits, on a topic with priority bands (publisher and runner given `bandsOf`)
 * and on the same kind of topic without bands (the baseline: same runner, no `bandsOf`). Every
 * message costs the handler the same simulated work, so the backlog takes a while to drain either
 * way. The consumer runs in its own process, so its busy handler cannot delay the publisher.
 */
import { priorityBands } from '@tributary/schemas';
import { uniqueName } from '@tributary/testing';
import { createPublisher, type Publisher } from '../src/index.js';
import { publishPaced, publishWindowed } from './load.js';
import { startRemoteConsumer } from './remote-consumer.js';
import { type BenchStack, COMMAND, type Command, recordCount } from './stack.js';

export interface PriorityOptions {
  partitions: number;
  /** Low-priority commands produced before the consumer starts. */
  backlog: number;
  /** High-priority commands per second, and for how long. */
  highPerSecond: number;
  highSeconds: number;
  /** Simulated handler work per message, the same for every message of both runs. */
  handlerMicros: number;
  publishWindow: number;
}

export interface PriorityResult {
  label: string;
  /** Handling start − `sentAt` of each high-priority command, in ms, sorted. */
  latencies: number[];
  /** Low-priority commands still unhandled when the last high-priority one was sent. */
  backlogLeft: number;
}

/** The `q`-quantile (0..1) of sorted values, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Runs the banded topic, then the single-band baseline, with one publisher. */
export async function priorityLatency(stack: BenchStack, opts: PriorityOptions): Promise<{ banded: PriorityResult; single: PriorityResult }> {
  const bands = priorityBands(opts.partitions);
  const banded = await stack.createTopic('bench-prio-banded', opts.partitions);
  const single = await stack.createTopic('bench-prio-single', opts.partitions);
  const publisher = createPublisher({ kafka: stack.kafka, codec: stack.codec, bandsOf: (t) => (t === banded ? bands : undefined) });
  try {
    // Registration is start-up work, not part of any latency.
    await Promise.all([stack.codec.encoderFor(banded, COMMAND), stack.codec.encoderFor(single, COMMAND)]);
    const low = bands.find((b) => b.priority === 'low')!;
    const layout = bands.map((b) => `${b.priority} ${b.firstPartition}-${b.lastPartition}`).join(', ');
    const bandedResult = await scenario(stack, publisher, opts, {
      label: `banded (${layout})`,
      topic: banded,
      banded: true,
      backlogPartitions: (p) => p >= low.firstPartition && p <= low.lastPartition,
    });
    const singleResult = await scenario(stack, publisher, opts, { label: 'single band', topic: single, banded: false, backlogPartitions: () => true });
    return { banded: bandedResult, single: singleResult };
  } finally {
    await publisher.close();
  }
}

interface Scenario {
  label: string;
  topic: string;
  banded: boolean;
  /** Where the backlog must sit before the high-priority commands start. */
  backlogPartitions: (partition: number) => boolean;
}

async function scenario(stack: BenchStack, publisher: Publisher, opts: PriorityOptions, s: Scenario): Promise<PriorityResult> {
  const { topic } = s;
  const sentAt = Date.now();
  await publishWindowed(opts.backlog, opts.publishWindow, (seq) =>
    publisher.publish(topic, COMMAND, { id: `low-${seq}`, seq, sentAt } satisfies Command, { key: `order-${seq % 97}`, priority: 'low' }),
  );
  const queued = await recordCount(stack.admin, topic, s.backlogPartitions);
  if (queued !== opts.backlog) throw new Error(`${s.label}: ${queued} backlog records where expected, not ${opts.backlog}`);

  const highs = Math.round(opts.highPerSecond * opts.highSeconds);
  const consumer = startRemoteConsumer(
    {
      kind: 'runtime',
      topic,
      groupId: uniqueName('bench-prio-group'),
      ...(s.banded ? { bandedPartitions: opts.partitions } : {}),
      handlerMicros: opts.handlerMicros,
      highs,
    },
    600_000,
  );
  try {
    await consumer.ready;
    await publishPaced(highs, opts.highPerSecond, (seq) =>
      publisher.publish(topic, COMMAND, { id: `high-${seq}`, seq, sentAt: Date.now() } satisfies Command, { key: `urgent-${seq % 13}`, priority: 'high' }),
    );
    const backlogLeft = opts.backlog - (consumer.progress()?.lowHandled ?? 0);
    const outcome = await consumer.done;
    return { label: s.label, latencies: outcome.highs.map((h) => h.latency).sort((a, b) => a - b), backlogLeft };
  } finally {
    await consumer.stop();
  }
}
