import type { BrokerLogger } from '@tributary/broker';
import type { Admin, Kafka } from 'kafkajs';
import { findLastRecords } from './probe.js';
import type { OffsetRange } from './types.js';

/** What is known of one `.quarantine` partition when a redrive is planned. */
export interface PartitionBounds {
  partition: number;
  /** First offset still in the log (retention deletes from the start). */
  low: number;
  /** The last stable offset: everything below it is committed or aborted, nothing is pending. */
  high: number;
  /** First offset written at or after the command's `fromTime` (absent: no fromTime). */
  fromOffset?: number | undefined;
  /** First offset written at or after the command's `untilTime` (absent: no untilTime). */
  untilOffset?: number | undefined;
  /** Where the pipeline's earlier redrives ended on this partition (absent: none). */
  previousEnd?: number | undefined;
}

/**
 * The offsets a redrive may cover on one partition before its last record is known: from the
 * latest of `fromTime`, the previous redrives' end and the log start, to `untilTime` or the end.
 * Never before a previous redrive's end: that is what keeps redrives from moving a record twice.
 */
export function boundRange(b: PartitionBounds): { partition: number; from: number; to: number } {
  const from = Math.max(b.low, b.fromOffset ?? 0, b.previousEnd ?? 0);
  const to = Math.min(b.high, b.untilOffset ?? b.high);
  return { partition: b.partition, from, to: Math.max(from, to) };
}

/** The range a redrive moves, once the last record in [from, to) is known: it ends right after it. */
export function closeRange(bound: { partition: number; from: number }, lastRecord: number | undefined): OffsetRange {
  return { partition: bound.partition, startOffset: bound.from, endOffset: lastRecord === undefined ? bound.from : lastRecord + 1 };
}

export interface RangePlannerDeps {
  kafka: Kafka;
  admin: Admin;
  groupPrefix: string;
  probeWindow: number;
  probeTimeoutMs: number;
  logger: BrokerLogger;
}

/**
 * Plans the ranges of a redrive of `topic`, one per partition. Each range ends right after its last
 * record, not at the partition's end offset: `.quarantine` is written in transactions, so its end lies
 * past commit markers, and a consumer group commits the offset after the last record it handled,
 * never past the markers (kafkajs hands markers to nobody). Ending a range at its last record makes
 * "the group's committed offset reached the end" an exact completion test.
 */
export async function planRanges(
  deps: RangePlannerDeps,
  topic: string,
  request: { fromTime: number | null; untilTime: number | null; previousEnds: ReadonlyMap<number, number> },
): Promise<OffsetRange[]> {
  const { admin } = deps;
  // Read committed (kafkajs's admin default): `high` is the last stable offset.
  const offsets = await admin.fetchTopicOffsets(topic);
  const atTime = async (time: number | null) =>
    time === null ? undefined : new Map((await admin.fetchTopicOffsetsByTimestamp(topic, time)).map((p) => [p.partition, Number(p.offset)]));
  const fromOffsets = await atTime(request.fromTime);
  const untilOffsets = await atTime(request.untilTime);
  const bounds = offsets
    .map((p) =>
      boundRange({
        partition: p.partition,
        low: Number(p.low),
        high: Number(p.high),
        fromOffset: fromOffsets?.get(p.partition),
        untilOffset: untilOffsets?.get(p.partition),
        previousEnd: request.previousEnds.get(p.partition),
      }),
    )
    .sort((a, b) => a.partition - b.partition);
  const last = await findLastRecords(
    { kafka: deps.kafka, admin, topic, groupPrefix: deps.groupPrefix, window: deps.probeWindow, timeoutMs: deps.probeTimeoutMs, logger: deps.logger },
    bounds,
  );
  return bounds.map((b) => closeRange(b, last.get(b.partition)));
}
