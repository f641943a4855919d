import type { PriorityBand } from '@tributary/schemas';

export interface TopicPartitions {
  topic: string;
  partitions: readonly number[];
  bands?: readonly PriorityBand[] | undefined;
}

/** member id → topic → partitions. */
export type MemberAssignments = Record<string, Record<string, number[]>>;

/**
 * Spreads each band of each topic over the members separately, so every member gets partitions of
 * every band whenever a band has at least as many partitions as there are members (a plain round
 * robin could hand one member all the high partitions and another all the low ones). The starting
 * member rotates per band so the remainders do not all land on the same member. Deterministic: the
 * same members and topics always give the same assignment.
 */
export function assignPriorityBands(memberIds: readonly string[], topics: readonly TopicPartitions[]): MemberAssignments {
  const members = [...memberIds].sort();
  const result: MemberAssignments = Object.fromEntries(members.map((m) => [m, {}]));
  if (members.length === 0) return result;
  let rotation = 0;
  for (const { topic, partitions, bands } of [...topics].sort((a, b) => a.topic.localeCompare(b.topic))) {
    const groups = bands?.length
      ? bands.map((b) => partitions.filter((p) => p >= b.firstPartition && p <= b.lastPartition))
      : [[...partitions]];
    for (const group of groups) {
      [...group].sort((a, b) => a - b).forEach((partition, i) => {
        const member = members[(rotation + i) % members.length]!;
        (result[member]![topic] ??= []).push(partition);
      });
      rotation = (rotation + group.length) % members.length;
    }
  }
  return result;
}
