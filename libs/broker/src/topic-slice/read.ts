import { randomBytes } from 'node:crypto';
import type { Admin, KafkaMessage } from 'kafkajs';
import { BrokerError, toBrokerError } from '../errors.js';
import { headersToStrings } from '../headers.js';
import type { SliceEnd, SliceMessage, SliceVerdict, TopicSliceOptions, TopicSliceResult } from './types.js';

/**
 * Reads a slice of a topic with a throwaway consumer group (`<groupPrefix>-<random>`) that commits
 * nothing and is deleted when the read ends, so tails, peeks and pages leave no trace in the group list.
 *
 * Progress is tracked per partition as the offset to continue from. It moves past transaction markers
 * and aborted records too (kafkajs reports their batches as batch events only): a transactional topic's
 * end offset lies past its last message, and waiting for a message there would never end. Every
 * partition is sought to its start once the group is joined, and a message below the position is
 * skipped, so a batch fetched before the seek is never handed over twice.
 */
export async function readTopicSlice(opts: TopicSliceOptions): Promise<TopicSliceResult> {
  const { topic } = opts;
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  if (!(limit >= 0) || (Number.isFinite(limit) && !Number.isInteger(limit))) {
    throw new BrokerError('TRIB_BROKER_OPTIONS_INVALID', `limit must be a non-negative integer, got ${limit}`);
  }
  const warn = opts.warn ?? (() => undefined);

  const next = new Map<number, bigint>();
  const ends = new Map<number, bigint>();
  try {
    for (const o of await opts.admin.fetchTopicOffsets(topic)) {
      const low = BigInt(o.low);
      const high = BigInt(o.high);
      ends.set(o.partition, high);
      const wanted = typeof opts.start === 'string' ? undefined : opts.start.get(o.partition);
      const from = opts.start === 'latest' ? high : wanted === undefined ? low : BigInt(wanted);
      next.set(o.partition, from < low ? low : from);
    }
  } catch (err) {
    throw toBrokerError(err, 'TRIB_TOPIC_READ_FAILED', `Cannot read the offsets of ${topic}`);
  }
  const stopAtEnd = opts.stopAtEnd === true;
  /** Partitions still short of their end (stopAtEnd only). */
  const open = new Set([...ends].filter(([p, end]) => (next.get(p) ?? 0n) < end).map(([p]) => p));
  let delivered = 0;
  const result = (endedBy: SliceEnd): TopicSliceResult => ({
    delivered,
    endedBy,
    positions: new Map([...next].map(([p, o]) => [p, o.toString()])),
    ends: new Map([...ends].map(([p, o]) => [p, o.toString()])),
  });
  if (stopAtEnd && open.size === 0) return result('end');
  if (limit === 0) return result('limit');
  if (opts.signal?.aborted) return result('aborted');

  const groupId = `${opts.groupPrefix ?? 'tributary-slice'}-${randomBytes(6).toString('hex')}`;
  const consumer = opts.kafka.consumer({ groupId, readUncommitted: opts.readUncommitted ?? false, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
  let endedBy: SliceEnd | undefined;
  let failure: unknown;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const end = (why: SliceEnd) => {
    endedBy ??= why;
    finish();
  };
  const finished = () => endedBy !== undefined || failure !== undefined;

  /** Moves a partition's position forwards (never past its end when stopping there). */
  const advance = (partition: number, to: bigint) => {
    const last = ends.get(partition);
    const capped = stopAtEnd && last !== undefined && to > last ? last : to;
    if (capped > (next.get(partition) ?? 0n)) next.set(partition, capped);
    if (stopAtEnd && last !== undefined && (next.get(partition) ?? 0n) >= last && open.delete(partition) && open.size === 0) end('end');
  };

  const toSliceMessage = (partition: number, message: KafkaMessage): SliceMessage => ({
    topic,
    partition,
    offset: message.offset,
    timestamp: Number(message.timestamp),
    key: message.key ? message.key.toString('utf8') : null,
    headers: headersToStrings(message.headers),
    value: message.value,
  });

  // Batches of transaction markers or aborted records only never reach eachBatch.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const first = payload.firstOffset as string | null;
    if (finished() || payload.topic !== topic || payload.batchSize !== 0 || first === null) return;
    if (BigInt(first) <= (next.get(payload.partition) ?? 0n)) advance(payload.partition, BigInt(payload.lastOffset) + 1n);
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    failure ??= toBrokerError(payload.error, 'TRIB_TOPIC_READ_FAILED', `Reading ${topic} failed`);
    finish();
  });
  const onAbort = () => end('aborted');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = opts.timeoutMs === undefined ? undefined : setTimeout(() => end('timeout'), opts.timeoutMs);

  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        const { partition } = batch;
        if (finished() || (stopAtEnd && !open.has(partition))) return;
        const last = ends.get(partition);
        let handedOver = false;
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          if (offset < (next.get(partition) ?? 0n)) continue;
          if (stopAtEnd && (last === undefined || offset >= last)) break;
          let verdict: SliceVerdict;
          try {
            verdict = await opts.onMessage(toSliceMessage(partition, message));
          } catch (err) {
            failure ??= err;
            finish();
            return;
          }
          delivered++;
          handedOver = true;
          next.set(partition, offset + 1n);
          if (verdict === 'stop') return end('stopped');
          if (delivered >= limit) return end('limit');
          if (finished()) return;
        }
        // Every message of the batch from the position on was handled: its markers and aborted
        // records are behind us too.
        const first = batch.firstOffset();
        if (first !== null && (handedOver || BigInt(first) <= (next.get(partition) ?? 0n))) advance(partition, BigInt(batch.lastOffset()) + 1n);
        await heartbeat();
      },
    });
    // run() resolves once the group is joined: the partitions are assigned and seeks apply.
    for (const [partition, offset] of next) consumer.seek({ topic, partition, offset: offset.toString() });
    await done;
  } catch (err) {
    failure ??= toBrokerError(err, 'TRIB_TOPIC_READ_FAILED', `Reading ${topic} failed`);
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    await consumer.disconnect().catch(() => undefined);
    await deleteGroup(opts.admin, groupId, warn);
  }
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error('onMessage threw a non-Error', { cause: failure });
  return result(endedBy ?? 'end');
}

/** The coordinator may still see the member that just left for a moment: a few attempts. */
async function deleteGroup(admin: Admin, groupId: string, warn: (message: string, cause: unknown) => void): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await admin.deleteGroups([groupId]);
      return;
    } catch (err) {
      const code = (err as { groups?: { error?: { type?: string } }[] }).groups?.[0]?.error?.type;
      if (code === 'GROUP_ID_NOT_FOUND') return;
      if (attempt === 4) {
        warn(`could not delete the consumer group ${groupId}: ${(err as Error).message}`, err);
        return;
      }
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
    }
  }
}
