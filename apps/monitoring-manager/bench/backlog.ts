import { randomUUID } from 'node:crypto';
import { type EventCodecPort, eventHeaders, metricBatchesOf, PriorityBandPartitioner } from '@tributary/broker';
import type { MetricBatch, MetricSnapshot } from '@tributary/schemas';
import { uniqueName } from '@tributary/testing';
import type { Kafka, Message } from 'kafkajs';
import { MonitoringEventNames } from '../src/names.js';

/** Records per produce request: a MetricBatch here is ~100 samples (~8 KiB), so 100 records stay under 1 MiB. */
const SEND_BATCH = 100;

/**
 * Writes `points` to `topic` as services publish their reports (createMonitoringSink): the samples of
 * one service instance at one time as MetricBatch records (`metricBatchesOf`, the sink's own split),
 * keyed by service, Avro through the registry codec, the standard headers, placed by the publisher's
 * partitioner (murmur2 of the key) — but inside ONE Kafka transaction. Resolves with the records written.
 *
 * Why a transaction: the manager's consumer reads committed records only, so the whole backlog
 * appears to it at once, at the commit, while it sits idle in its group. Produced before the manager
 * started, the backlog would instead be read by its start-up replay (the Redis-empty rebuild), not by
 * the live consumer whose rate is the figure; produced while it runs, the producer would set the pace.
 * Resolves when the transaction is committed (the moment the backlog becomes visible).
 */
export async function publishBacklogAtOnce(kafka: Kafka, codec: EventCodecPort, topic: string, points: readonly MetricSnapshot[]): Promise<number> {
  const batches: MetricBatch[] = metricBatchesOf(points);
  const producer = kafka.producer({
    transactionalId: uniqueName('bench-monitoring-backlog'),
    idempotent: true,
    maxInFlightRequests: 1,
    // The broker aborts a transaction open longer than this; a slow machine needs more than kafkajs's 60 s.
    transactionTimeout: 300_000,
    createPartitioner: PriorityBandPartitioner(() => undefined),
  });
  await producer.connect();
  try {
    const encode = await codec.encoderFor(topic, MonitoringEventNames.metricBatch);
    const txn = await producer.transaction();
    try {
      for (let start = 0; start < batches.length; start += SEND_BATCH) {
        const messages: Message[] = batches.slice(start, start + SEND_BATCH).map((b) => ({
          key: b.service,
          value: encode(b),
          headers: eventHeaders(MonitoringEventNames.metricBatch, randomUUID(), {}),
        }));
        await txn.send({ topic, acks: -1, messages });
      }
      await txn.commit();
      return batches.length;
    } catch (err) {
      await txn.abort().catch(() => undefined);
      throw err;
    }
  } finally {
    await producer.disconnect();
  }
}
