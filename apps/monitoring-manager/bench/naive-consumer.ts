import { type EventCodecPort, metricBatchPoints } from '@tributary/broker';
import { uniqueName, waitFor } from '@tributary/testing';
import type { MetricBatch } from '@tributary/schemas';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import { naiveWriter } from '../../../libs/monitoring-baselines/bench/naive.js';
import { MonitoringEventNames } from '../src/names.js';

export interface NaiveRun {
  /** From joining the group (the backlog already there) to the last point's write acknowledged by Redis. */
  seconds: number;
  points: number;
}

/**
 * The design the manager is measured against: a plain kafkajs consumer (eachBatch) that decodes each
 * MetricBatch record with the same codec, applies the same baseline math point by point, and writes
 * the series through to Redis with ONE command per point (HSET, awaited before the next point of the
 * partition): the naive design is about Redis writes, so it reads the same records — the writer
 * of libs/monitoring-baselines/bench/naive.ts, kept across batches here. It gets the manager's
 * consumer settings (1 MiB per partition, three partitions at a time), so the two differ in how they
 * handle points, not in how they fetch them.
 */
export async function naiveConsumerRun(deps: { kafka: Kafka; codec: EventCodecPort; redis: Redis; topic: string; storePrefix: string; expected: number; timeoutMs: number }): Promise<NaiveRun> {
  const write = naiveWriter(deps.redis, deps.storePrefix);
  const consumer = deps.kafka.consumer({ groupId: uniqueName('bench-monitoring-naive'), maxBytesPerPartition: 1024 * 1024, readUncommitted: false });
  let joinedAt: number | undefined;
  let doneAt: number | undefined;
  let points = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => (joinedAt ??= performance.now()));

  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [deps.topic], fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 3,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        for (const message of batch.messages) {
          if (!isRunning() || isStale()) break;
          if (message.value !== null) {
            const decoded = deps.codec.decodeCached?.(message.value) ?? (await deps.codec.decode(message.value));
            if (decoded.type === MonitoringEventNames.metricBatch) {
              for (const point of metricBatchPoints(decoded.value as MetricBatch)) {
                await write(point);
                if (++points === deps.expected) doneAt = performance.now();
              }
            }
          }
          resolveOffset(message.offset);
          await heartbeat();
        }
      },
    });
    await waitFor(() => doneAt !== undefined, { what: `the naive consumer to write ${deps.expected} points`, timeoutMs: deps.timeoutMs, intervalMs: 20 });
  } finally {
    await consumer.disconnect();
  }
  return { seconds: (doneAt! - joinedAt!) / 1000, points };
}
