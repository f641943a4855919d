import type { Kafka } from 'kafkajs';
import { DeadLetterHeaders, headersToStrings } from '../headers.js';
import { type BrokerLogger, silentLogger } from '../logger.js';
import type { Publisher } from '../publisher/index.js';

export interface RedriveOptions {
  kafka: Kafka;
  /** Sends the redriven messages (same batching and acks as every publish). */
  publisher: Publisher;
  /** The dead-letter topic to drain, e.g. `tributary.pipeline.commands.dlq`. */
  dlqTopic: string;
  /** Consumer group that remembers how far redrives got. Default `<dlqTopic>.redrive`. */
  groupId?: string;
  /** Only messages for which this returns true are redriven; the others are skipped (and stay in the DLQ). */
  filter?: (headers: Record<string, string>) => boolean;
  /** Most messages to redrive in this call. Default: all up to the end seen at the start. */
  limit?: number;
  logger?: BrokerLogger;
}

export interface RedriveResult {
  redriven: number;
  skipped: number;
  /** Redriven count per original topic. */
  byTopic: Record<string, number>;
}

/** Header a redriven message carries, so a message dead-lettered again shows its history. */
export const REDRIVE_COUNT_HEADER = 'redrive-count';

/**
 * Moves dead letters back to the topic they came from, with their original key, value and headers
 * (the `dlq-*` headers removed, `redrive-count` incremented). Reads from where the previous redrive
 * stopped (its own consumer group) up to the end of the DLQ as it is when the call starts, and
 * commits only what was republished and acknowledged, so a redrive interrupted midway resumes
 * without sending anything twice that it had committed.
 */
export async function redriveDeadLetters(opts: RedriveOptions): Promise<RedriveResult> {
  const logger = (opts.logger ?? silentLogger).child({ component: 'redrive', dlqTopic: opts.dlqTopic });
  const groupId = opts.groupId ?? `${opts.dlqTopic}.redrive`;
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  const admin = opts.kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  let starts: Map<number, bigint>;
  try {
    const offsets = await admin.fetchTopicOffsets(opts.dlqTopic);
    ends = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
    const committed = await admin.fetchOffsets({ groupId, topics: [opts.dlqTopic] });
    starts = new Map(
      offsets.map((o) => {
        const c = committed[0]?.partitions.find((p) => p.partition === o.partition)?.offset;
        return [o.partition, c !== undefined && c !== '-1' ? BigInt(c) : BigInt(o.low)];
      }),
    );
  } finally {
    await admin.disconnect();
  }
  const result: RedriveResult = { redriven: 0, skipped: 0, byTopic: {} };
  const remaining = new Set([...ends].filter(([p, end]) => (starts.get(p) ?? 0n) < end).map(([p]) => p));
  if (remaining.size === 0) return result;

  const consumer = opts.kafka.consumer({ groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topic: opts.dlqTopic, fromBeginning: true });
  let finish: () => void = () => undefined;
  const done = new Promise<void>((r) => (finish = r));
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat }) => {
      const end = ends.get(batch.partition) ?? 0n;
      const sends: Promise<void>[] = [];
      let last: string | undefined;
      let limited = false;
      for (const message of batch.messages) {
        if (BigInt(message.offset) >= end) break;
        if (result.redriven >= limit) {
          limited = true;
          break;
        }
        const headers = headersToStrings(message.headers);
        const target = headers[DeadLetterHeaders.originalTopic];
        if (!target || (opts.filter && !opts.filter(headers))) {
          result.skipped++;
        } else {
          const clean = Object.fromEntries(Object.entries(headers).filter(([k]) => !k.startsWith('dlq-')));
          clean[REDRIVE_COUNT_HEADER] = String(Number(headers[REDRIVE_COUNT_HEADER] ?? 0) + 1);
          sends.push(opts.publisher.publishRaw(target, { key: message.key, value: message.value, headers: clean }));
          result.redriven++;
          result.byTopic[target] = (result.byTopic[target] ?? 0) + 1;
        }
        last = message.offset;
      }
      await Promise.all(sends);
      // Transaction markers take offsets too: the batch's last offset, not its last message, tells
      // whether the partition is drained up to the end seen at the start.
      const drained = !limited && BigInt(batch.lastOffset()) + 1n >= end;
      const upTo = drained && BigInt(batch.lastOffset()) < end ? batch.lastOffset() : last;
      if (upTo !== undefined) {
        resolveOffset(upTo);
        const next = (BigInt(upTo) + 1n).toString();
        await commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }] });
      }
      if (drained) remaining.delete(batch.partition);
      await heartbeat();
      if (remaining.size === 0 || result.redriven >= limit) finish();
    },
  });
  await done;
  await consumer.disconnect();
  logger.info({ ...result }, 'dead letters redriven');
  return result;
}
