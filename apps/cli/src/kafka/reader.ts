import { randomBytes } from 'node:crypto';
import { headersToStrings } from '@tributary/broker';
import type { Admin, Kafka } from 'kafkajs';
import type { Writer } from '../io.js';
import { kafkaError } from './resources.js';

/** A message as the CLI shows it: key and headers as UTF-8, the value still raw. */
export interface ReadMessage {
  topic: string;
  partition: number;
  offset: string;
  /** Epoch milliseconds, as the broker stored it. */
  timestamp: number;
  key: string | null;
  headers: Record<string, string>;
  value: Buffer | null;
}

export interface ReadOptions {
  kafka: Kafka;
  admin: Admin;
  topic: string;
  /** Where to start: the first retained offset, the end, or an offset per partition. */
  start: 'earliest' | 'latest' | Map<number, string>;
  /** Stop after this many messages. Default: no limit. */
  limit?: number;
  /** Stop once every partition reached the end it had when the read started. */
  stopAtEnd?: boolean;
  /** Stops the read (Ctrl-C). */
  signal: AbortSignal;
  onMessage(message: ReadMessage): void | Promise<void>;
  /** Where to say that the throwaway group could not be deleted. */
  stderr: Writer;
}

/**
 * Reads a topic with a throwaway consumer group (`tributary-cli-<random>`) that commits nothing and is
 * deleted when the read ends, so tails and peeks leave no trace in the group list.
 */
export async function readTopic(opts: ReadOptions): Promise<number> {
  const groupId = `tributary-cli-${randomBytes(6).toString('hex')}`;
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  const remaining = new Map<number, bigint>();
  if (opts.stopAtEnd) {
    const offsets = await opts.admin.fetchTopicOffsets(opts.topic).catch((err: unknown) => {
      throw kafkaError(err, `cannot read the offsets of ${opts.topic}`);
    });
    for (const o of offsets) {
      const from = opts.start instanceof Map ? BigInt(opts.start.get(o.partition) ?? o.low) : BigInt(o.low);
      const end = opts.start === 'latest' ? from : BigInt(o.high);
      if (from < end) remaining.set(o.partition, end);
    }
    if (remaining.size === 0) return 0;
  }
  if (limit <= 0 || opts.signal.aborted) return 0;

  const consumer = opts.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
  let count = 0;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((r) => (finish = r));
  const onAbort = () => finish();
  opts.signal.addEventListener('abort', onAbort, { once: true });
  let failure: unknown;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: opts.topic, fromBeginning: opts.start !== 'latest' });
    consumer.on(consumer.events.CRASH, (e) => {
      failure = e.payload.error;
      finish();
    });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        if (count >= limit || opts.signal.aborted) return;
        const end = remaining.get(partition);
        if (opts.stopAtEnd && (end === undefined || BigInt(message.offset) >= end)) return;
        count++;
        await opts.onMessage({
          topic,
          partition,
          offset: message.offset,
          timestamp: Number(message.timestamp),
          key: message.key ? message.key.toString('utf8') : null,
          headers: headersToStrings(message.headers),
          value: message.value,
        });
        if (end !== undefined && BigInt(message.offset) + 1n >= end) remaining.delete(partition);
        if (count >= limit || (opts.stopAtEnd && remaining.size === 0)) finish();
      },
    });
    if (opts.start instanceof Map) {
      for (const [partition, offset] of opts.start) consumer.seek({ topic: opts.topic, partition, offset });
    }
    await done;
  } catch (err) {
    failure ??= err;
  } finally {
    opts.signal.removeEventListener('abort', onAbort);
    await consumer.disconnect().catch(() => undefined);
    await deleteGroup(opts.admin, groupId, opts.stderr);
  }
  if (failure !== undefined) throw kafkaError(failure, `reading ${opts.topic} failed`);
  return count;
}

/** The coordinator may still see the member that just left for a moment: a few attempts. */
async function deleteGroup(admin: Admin, groupId: string, stderr: Writer): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await admin.deleteGroups([groupId]);
      return;
    } catch (err) {
      const code = (err as { groups?: { error?: { type?: string } }[] }).groups?.[0]?.error?.type;
      if (code === 'GROUP_ID_NOT_FOUND') return;
      if (attempt === 4) {
        stderr.write(`warning: could not delete the consumer group ${groupId}: ${(err as Error).message}\n`);
        return;
      }
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
    }
  }
}
