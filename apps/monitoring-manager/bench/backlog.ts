import { randomUUID } from 'node:crypto';
import { type EventCodecPort, eventHeaders, PriorityBandPartitioner } from '@tributary/broker';
import type { MetricPoint } from '@tributary/monitoring-baselines';
import { uniqueName } from '@tributary/testing';
import type { Kafka, Message } from 'kafkajs';
import { MonitoringEventNames } from '../src/names.js';

/** Messages per produce request: the publisher's default batch (2,000 records, well under 1 MiB here). */
const SEND_BATCH = 2_000;

/**
 * Writes `points` to `topic` as services publish their snapshots (createMonitoringSink): one
 * MetricSnapshot per sample, keyed by service, Avro through the registry codec, the standard headers,
 * placed by the publisher's partitioner (murmur2 of the key) — but inside ONE Kafka transaction.
 *
 * Why a transaction: the manager's consumer reads committed records only, so the whole backlog
 * appears to it at once, at the commit, while it sits idle in its group. Produced before the manager
 * started, the backlog would instead be read by its start-up replay (the Redis-empty rebuild), not by
 * the live consumer whose rate is the figure; produced while it runs, the producer would set the pace.
 * Resolves when the transaction is committed (the moment the backlog becomes visible).
 */
export async function publishBacklogAtOnce(kafka: Kafka, codec: EventCodecPort, topic: string, points: readonly MetricPoint[]): Promise<void> {
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
    const encode = await codec.encoderFor(topic, MonitoringEventNames.metricSnapshot);
    const txn = await producer.transaction();
    try {
      for (let start = 0; start < points.length; start += SEND_BATCH) {
        const messages: Message[] = points.slice(start, start + SEND_BATCH).map((p) => ({
          key: p.service,
          value: encode(p),
          headers: eventHeaders(MonitoringEventNames.metricSnapshot, randomUUID(), {}),
        }));
        await txn.send({ topic, acks: -1, messages });
      }
      await txn.commit();
    } catch (err) {
      await txn.abort().catch(() => undefined);
      throw err;
    }
  } finally {
    await producer.disconnect();
  }
}
