import { randomUUID } from 'node:crypto';
import type { BrokerLogger } from '@tributary/broker';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { RedriveError } from './errors.js';

/** Offsets `from` (inclusive) to `to` (exclusive) of one partition, to search for its last record. */
export interface LastRecordQuery {
  partition: number;
  from: number;
  to: number;
}

export interface LastRecordProbeDeps {
  kafka: Kafka;
  admin: Admin;
  topic: string;
  /** The probe's throwaway consumer group is `<groupPrefix>.<uuid>`, deleted afterwards. */
  groupPrefix: string;
  /** First window, in offsets back from `to`; ten times larger each time a window holds no record. */
  window: number;
  timeoutMs: number;
  logger: BrokerLogger;
}

interface Search {
  readonly lowest: number;
  windowStart: number;
  windowEnd: number;
  size: number;
  /** Offsets below this one (from windowStart) have been read. */
  next: bigint;
  found: number | undefined;
  done: boolean;
}

/**
 * Per partition, the offset of the last committed record in [from, to), or undefined when there is
 * none: only commit markers or aborted records. Kafka reads forwards only, so the search reads windows
 * back from `to`, read committed, in a throwaway consumer group. Offsets count markers and aborted
 * records too; a window is read when a batch (kafkajs reports batches of markers only as well)
 * reached its end, contiguously from its start.
 */
export async function findLastRecords(deps: LastRecordProbeDeps, queries: readonly LastRecordQuery[]): Promise<Map<number, number | undefined>> {
  const result = new Map<number, number | undefined>();
  const searches = new Map<number, Search>();
  for (const q of queries) {
    if (q.from >= q.to) {
      result.set(q.partition, undefined);
      continue;
    }
    const windowStart = Math.max(q.from, q.to - deps.window);
    searches.set(q.partition, { lowest: q.from, windowStart, windowEnd: q.to, size: deps.window, next: BigInt(windowStart), found: undefined, done: false });
  }
  if (searches.size === 0) return result;

  const { topic } = deps;
  const groupId = `${deps.groupPrefix}.${randomUUID()}`;
  const logger = deps.logger.child({ component: 'last-record-probe', topic, groupId });
  const consumer: Consumer = deps.kafka.consumer({ groupId, readUncommitted: false, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
  let settle: (() => void) | undefined;
  const finished = new Promise<void>((resolve) => (settle = resolve));
  const checkFinished = () => {
    if ([...searches.values()].every((s) => s.done)) settle?.();
  };

  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const s = searches.get(payload.partition);
    if (!s || s.done || payload.firstOffset === null) return;
    // Only a batch that starts at or before the read position extends it: batches fetched before a
    // seek (from the end, or from a later window) say nothing about this window.
    if (BigInt(payload.firstOffset) > s.next || BigInt(payload.lastOffset) < s.next) return;
    s.next = BigInt(payload.lastOffset) + 1n;
    if (s.next < BigInt(s.windowEnd)) return;
    if (s.found !== undefined || s.windowStart <= s.lowest) {
      s.done = true;
      checkFinished();
      return;
    }
    // Only markers and aborted records in this window: look further back.
    s.windowEnd = s.windowStart;
    s.size *= 10;
    s.windowStart = Math.max(s.lowest, s.windowEnd - s.size);
    s.next = BigInt(s.windowStart);
    consumer.seek({ topic, partition: payload.partition, offset: String(s.windowStart) });
  });

  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    // From the end: nothing is read until the seeks below say where.
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const s = searches.get(batch.partition);
        if (!s || s.done) return;
        for (const message of batch.messages) {
          const offset = Number(message.offset);
          if (offset >= s.windowStart && offset < s.windowEnd && (s.found === undefined || offset > s.found)) s.found = offset;
        }
        return Promise.resolve();
      },
    });
    // run() resolves once the group is joined, so the partitions are assigned and seeks apply.
    for (const [partition, s] of searches) consumer.seek({ topic, partition, offset: String(s.windowStart) });
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), deps.timeoutMs)));
    if ((await Promise.race([finished.then(() => 'done' as const), timeout])) === 'timeout') {
      throw new RedriveError('TRIB_REDRIVE_PROBE_TIMEOUT', `the last records of ${topic} could not be read within ${deps.timeoutMs} ms`, true);
    }
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch((err: unknown) => logger.warn({ err }, 'probe consumer did not disconnect cleanly'));
    await deps.admin.deleteGroups([groupId]).catch((err: unknown) => logger.debug({ err }, 'could not delete the probe group; the broker expires it'));
  }
  for (const [partition, s] of searches) result.set(partition, s.found);
  return result;
}
