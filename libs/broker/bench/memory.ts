/**
 * Consumer memory: a consumer in its own process drains a topic the throughput run filled (with a
 * new group, from the beginning), sampling its RSS every 250 ms from the join to the last record.
 * Once with the runtime's consumer runner, once with a plain kafkajs consumer (the baseline).
 */
import { uniqueName } from '@tributary/testing';
import { type ConsumerJob, startRemoteConsumer } from './remote-consumer.js';

export interface MemoryResult {
  label: string;
  records: number;
  /** RSS right after the group was joined, before the first record. */
  startRss: number;
  peakRss: number;
  /** RSS when the last record was handled. */
  endRss: number;
  /** RSS once the first 10% of the records were handled: the working set is in place. */
  warmRss: number;
  seconds: number;
  samples: number;
  /** RSS when 25%, 50%, 75% and 100% of the records were handled. */
  trajectory: number[];
}

/** (end − start) / start. */
export const growth = (m: MemoryResult): number => (m.endRss - m.startRss) / m.startRss;
/** (end − warm) / warm: growth once the fetch buffers and caches exist, i.e. what a leak would show. */
export const steadyGrowth = (m: MemoryResult): number => (m.endRss - m.warmRss) / m.warmRss;

export async function consumerMemory(label: string, kind: ConsumerJob['kind'], topic: string, records: number): Promise<MemoryResult> {
  const consumer = startRemoteConsumer({ kind, topic, groupId: uniqueName(`bench-mem-${kind}-group`), records }, 60_000 + records / 2);
  try {
    await consumer.ready;
    const outcome = await consumer.done;
    const rss = outcome.samples.map((s) => s.rss);
    const warm = outcome.samples.find((s) => s.handled >= records / 10) ?? outcome.samples.at(-1)!;
    return {
      label,
      records,
      startRss: outcome.startRss,
      peakRss: Math.max(outcome.startRss, ...rss),
      endRss: outcome.endRss,
      warmRss: warm.rss,
      seconds: outcome.seconds,
      samples: outcome.samples.length,
      trajectory: [0.25, 0.5, 0.75, 1].map((f) => (outcome.samples.find((s) => s.handled >= records * f) ?? outcome.samples.at(-1)!).rss),
    };
  } finally {
    await consumer.stop();
  }
}
