import { randomUUID } from 'node:crypto';
import { type BrokerLogger, silentLogger } from '@tributary/broker';
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { PipelineStateError } from '../errors.js';

export interface TopicReaderDeps {
  kafka: Kafka;
  topics: readonly string[];
  /** Consumer group name start, made unique per instance with a UUID (`<groupPrefix>.<uuid>`). */
  groupPrefix: string;
  /** Handles one message in order per partition. Throwing makes kafkajs fetch it again. */
  onMessage: (message: KafkaMessage, where: { topic: string; partition: number }) => Promise<void> | void;
  logger?: BrokerLogger;
}

export interface TopicReader {
  readonly groupId: string;
  /** True once every partition was read up to the high watermark seen at start. */
  readonly caughtUp: boolean;
  /** Connects and reads from the beginning; resolves once caught up with the offsets read at start. */
  start(): Promise<void>;
  /** Leaves the group and deletes it (best effort: an expired group is removed by the broker anyway). */
  close(): Promise<void>;
}

/**
 * Reads whole topics from the beginning into a read model, with a consumer group of its own: every
 * instance sees every partition (no splitting with other instances), and nothing it commits matters,
 * so offsets are never committed and the group is deleted on close. Progress is tracked from kafkajs's
 * batch events, which also cover batches of transaction markers only: a transactional topic's high
 * watermark lies past its last message, and waiting for a message there would never end.
 */
export function createTopicReader(deps: TopicReaderDeps): TopicReader {
  const groupId = `${deps.groupPrefix}.${randomUUID()}`;
  const logger = (deps.logger ?? silentLogger).child({ component: 'topic-reader', groupId });
  // A short fetch wait: an idle fetch holds disconnect (and so shutdown) for up to this long.
  const consumer: Consumer = deps.kafka.consumer({ groupId, readUncommitted: false, allowAutoTopicCreation: false, maxWaitTimeInMs: 1_000 });
  const admin: Admin = deps.kafka.admin();
  /** Last offset still to reach per `topic:partition`; empty once caught up. */
  const targets = new Map<string, bigint>();
  let caughtUp = false;
  let closed = false;
  let settle: { resolve: () => void; reject: (err: unknown) => void } | undefined;

  const markCaughtUp = () => {
    if (caughtUp || targets.size > 0) return;
    caughtUp = true;
    settle?.resolve();
  };

  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const key = `${payload.topic}:${payload.partition}`;
    const target = targets.get(key);
    if (target !== undefined && BigInt(payload.lastOffset) >= target) {
      targets.delete(key);
      markCaughtUp();
    }
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    logger.error({ err: payload.error, restart: payload.restart }, 'read-model consumer crashed');
  });

  return {
    groupId,
    get caughtUp() {
      return caughtUp;
    },

    async start() {
      if (closed) throw new PipelineStateError('TRIB_VIEW_CLOSED', 'view is closed');
      try {
        await admin.connect();
        for (const topic of deps.topics) {
          for (const p of await admin.fetchTopicOffsets(topic)) {
            if (BigInt(p.high) > BigInt(p.low)) targets.set(`${topic}:${p.partition}`, BigInt(p.high) - 1n);
          }
        }
        await consumer.connect();
        await consumer.subscribe({ topics: [...deps.topics], fromBeginning: true });
        const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
        markCaughtUp();
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
            const where = { topic: batch.topic, partition: batch.partition };
            for (const message of batch.messages) {
              if (!isRunning() || isStale()) return;
              await deps.onMessage(message, where);
              resolveOffset(message.offset);
            }
            await heartbeat();
          },
        });
        await done;
        logger.debug({ topics: deps.topics }, 'read model caught up');
      } catch (err) {
        if (err instanceof PipelineStateError) throw err;
        throw new PipelineStateError('TRIB_VIEW_START_FAILED', `Could not read ${deps.topics.join(', ')}: ${(err as Error).message}`, {
          cause: err,
        });
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      settle?.reject(new PipelineStateError('TRIB_VIEW_CLOSED', 'view closed before it caught up'));
      await consumer.disconnect().catch((err: unknown) => logger.warn({ err }, 'consumer did not disconnect cleanly'));
      try {
        await admin.deleteGroups([groupId]);
      } catch (err) {
        logger.debug({ err }, 'could not delete the read-model group; the broker expires it');
      }
      await admin.disconnect();
    },
  };
}
