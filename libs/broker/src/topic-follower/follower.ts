import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { BrokerError } from '../errors.js';
import { Headers, headersToStrings } from '../headers.js';
import type { BrokerLogger } from '../logger.js';
import type { EventCodecPort } from '../ports.js';
import { isRetriable } from '../retry/index.js';

const DECODE_FIRST_DELAY_MS = 200;
const DECODE_MAX_DELAY_MS = 5000;
/** setTimeout's longest delay (~24 days): the first catch-up at start waits as long as it takes. */
const FOREVER_MS = 2 ** 31 - 1;

export interface TopicFollowerDeps {
  kafka: Kafka;
  topic: string;
  /** Consumer group name start, made unique per instance with a UUID (`<groupPrefix>.<uuid>`). */
  groupPrefix: string;
  codec: Pick<EventCodecPort, 'decode'>;
  logger: BrokerLogger;
}

/** Called once per message of a type it listens to, in order per partition. Must not throw. */
export type FollowerListener = (type: string, value: unknown) => void;

export interface TopicFollower {
  /**
   * Registers a listener for some event types, before `start`. Messages of types nobody listens to
   * are skipped by their `event-type` header, undecoded.
   */
  listen(types: Iterable<string>, listener: FollowerListener): void;
  /** Reads from the beginning; resolves once caught up with the topic's end at start. */
  start(): Promise<void>;
  /**
   * Resolves once every message committed before the call has been applied (the topic's end offsets,
   * read now, reached). Rejects with a retriable BrokerError TRIB_FOLLOWER_BEHIND after `timeoutMs`.
   */
  catchUp(timeoutMs: number): Promise<void>;
  readonly caughtUp: boolean;
  /** Leaves the group and deletes it (best effort). */
  close(): Promise<void>;
}

interface Waiter {
  targets: Map<number, bigint>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Follows one topic from its beginning, read committed, in a consumer group of its own (every instance
 * sees every partition; nothing is committed; the group is deleted on close), and can wait until it has
 * applied everything written so far. Progress comes from kafkajs's batch events, which also report
 * batches made only of transaction markers: a transactional topic's end lies past its last message, and
 * waiting for a message there would never end (as in @tributary/pipeline-state's topic reader, which
 * only catches up once, at start).
 */
export function createTopicFollower(deps: TopicFollowerDeps): TopicFollower {
  const { topic } = deps;
  const groupId = `${deps.groupPrefix}.${randomUUID()}`;
  const logger = deps.logger.child({ component: 'topic-follower', topic, groupId });
  const consumer: Consumer = deps.kafka.consumer({ groupId, readUncommitted: false, allowAutoTopicCreation: false, maxWaitTimeInMs: 1000 });
  const admin: Admin = deps.kafka.admin();
  /** Last offset (message or marker) read per partition. */
  const positions = new Map<number, bigint>();
  /** Last message applied per partition: a batch fetched again after an error is not applied twice. */
  const applied = new Map<number, bigint>();
  const waiters = new Set<Waiter>();
  const listeners = new Map<string, FollowerListener[]>();
  let started = false;
  let caughtUp = false;
  let closed = false;

  const reached = (targets: Map<number, bigint>) => [...targets].every(([p, target]) => (positions.get(p) ?? -1n) >= target);

  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const last = BigInt(payload.lastOffset);
    if (last > (positions.get(payload.partition) ?? -1n)) positions.set(payload.partition, last);
    for (const w of waiters) {
      if (reached(w.targets)) {
        waiters.delete(w);
        w.resolve();
      }
    }
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    logger.error({ err: payload.error, restart: payload.restart }, 'events follower crashed');
  });

  async function decode(message: KafkaMessage & { value: Buffer }, partition: number): Promise<{ type: string; value: unknown } | undefined> {
    for (let delay = DECODE_FIRST_DELAY_MS; ; delay = Math.min(delay * 2, DECODE_MAX_DELAY_MS)) {
      try {
        return await deps.codec.decode(message.value);
      } catch (err) {
        if (!isRetriable(err) || closed) {
          logger.warn({ err, partition, offset: message.offset }, 'skipping an event that cannot be decoded');
          return undefined;
        }
        logger.warn({ err, partition, offset: message.offset, delayMs: delay }, 'decode failed; retrying');
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  async function catchUp(timeoutMs: number): Promise<void> {
    if (closed) throw new BrokerError('TRIB_FOLLOWER_CLOSED', `the follower of ${topic} is closed`);
    const targets = new Map<number, bigint>();
    // Read committed: `high` is the last stable offset, so everything below it is decided.
    for (const p of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(p.high) > BigInt(p.low)) targets.set(p.partition, BigInt(p.high) - 1n);
    }
    if (reached(targets)) return;
    let timer: NodeJS.Timeout | undefined;
    const waiter: Waiter = { targets, resolve: () => undefined, reject: () => undefined };
    try {
      await new Promise<void>((resolve, reject) => {
        waiter.resolve = resolve;
        waiter.reject = reject;
        waiters.add(waiter);
        timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new BrokerError('TRIB_FOLLOWER_BEHIND', `${topic} was not read up to its end within ${timeoutMs} ms`, { retriable: true }));
        }, timeoutMs);
      });
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    listen(types, listener) {
      if (started) throw new Error('listen() must be called before start()');
      for (const type of types) listeners.set(type, [...(listeners.get(type) ?? []), listener]);
    },

    get caughtUp() {
      return caughtUp;
    },

    async start() {
      started = true;
      await admin.connect();
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch, isRunning, heartbeat }) => {
          const { partition } = batch;
          for (const message of batch.messages) {
            if (!isRunning()) return;
            const offset = BigInt(message.offset);
            if (offset <= (applied.get(partition) ?? -1n)) continue;
            applied.set(partition, offset);
            if (message.value === null) continue;
            const type = headersToStrings(message.headers)[Headers.eventType];
            if (type === undefined || !listeners.has(type)) continue;
            const decoded = await decode(message as KafkaMessage & { value: Buffer }, partition);
            if (!decoded) continue;
            for (const listener of listeners.get(decoded.type) ?? []) listener(decoded.type, decoded.value);
          }
          await heartbeat();
        },
      });
      await catchUp(FOREVER_MS);
      caughtUp = true;
    },

    catchUp,

    async close() {
      if (closed) return;
      closed = true;
      for (const w of waiters) w.reject(new BrokerError('TRIB_FOLLOWER_CLOSED', `the follower of ${topic} closed`));
      waiters.clear();
      await consumer.disconnect().catch((err: unknown) => logger.warn({ err }, 'consumer did not disconnect cleanly'));
      try {
        await admin.deleteGroups([groupId]);
      } catch (err) {
        logger.debug({ err }, 'could not delete the follower group; the broker expires it');
      }
      await admin.disconnect();
    },
  };
}
