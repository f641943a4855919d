import type { Admin } from 'kafkajs';

/** The offsets `[start, end)` of one partition that a replay re-stages. */
export interface PartitionSlice {
  readonly partition: number;
  readonly start: string;
  readonly end: string;
}

/**
 * The slice of `topic` with timestamps in `[from, until)`: per partition, the first offset at or after
 * `from` and the first at or after `until` (the end offsets when `until` is null, or when nothing is
 * that late).
 */
export async function computeSlice(admin: Admin, topic: string, from: number, until: number | null): Promise<PartitionSlice[]> {
  const starts = await admin.fetchTopicOffsetsByTimestamp(topic, from);
  const ends = until === null ? await admin.fetchTopicOffsets(topic) : await admin.fetchTopicOffsetsByTimestamp(topic, until);
  const endOf = new Map(ends.map((e) => [e.partition, e.offset]));
  return starts
    .map((s) => {
      const end = endOf.get(s.partition) ?? s.offset;
      // A start past the end (clock skew between partitions' timestamps) is an empty slice.
      return { partition: s.partition, start: s.offset, end: BigInt(end) < BigInt(s.offset) ? s.offset : end };
    })
    .sort((a, b) => a.partition - b.partition);
}

/** True when every non-empty partition of the slice has committed offsets at or past its end. */
export function isSliceDone(slice: readonly PartitionSlice[], committed: ReadonlyMap<number, bigint>): boolean {
  return slice.every((p) => BigInt(p.end) <= BigInt(p.start) || (committed.get(p.partition) ?? -1n) >= BigInt(p.end));
}
