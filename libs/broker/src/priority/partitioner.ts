import type { Priority, PriorityBand } from '@tributary/schemas';
import type { ICustomPartitioner, PartitionerArgs } from 'kafkajs';
import { murmur2, toPositive } from './murmur2.js';

/** The header a command's priority travels in (DESIGN.md); absent or unknown means `normal`. */
export const PRIORITY_HEADER = 'priority';

export function parsePriority(value: unknown): Priority {
  const s = Buffer.isBuffer(value) ? value.toString() : typeof value === 'string' ? value : undefined;
  return s === 'high' || s === 'low' ? s : 'normal';
}

/**
 * Picks a partition for a message on a banded topic: the band from the message's priority, then a
 * partition inside the band from the key hash (so one key keeps its order within a band), or round
 * robin inside the band for keyless messages. Topics without bands use the whole topic the same way.
 */
export function choosePartition(
  bands: readonly PriorityBand[] | undefined,
  partitionCount: number,
  priority: Priority,
  key: Buffer | null | undefined,
  roundRobin: () => number,
): number {
  const band = bands?.find((b) => b.priority === priority);
  const first = band ? band.firstPartition : 0;
  const size = band ? band.lastPartition - band.firstPartition + 1 : partitionCount;
  const offset = key && key.length > 0 ? toPositive(murmur2(key)) % size : roundRobin() % size;
  return first + offset;
}

/**
 * A kafkajs partitioner that honours priority bands. `bandsOf` says which topics are banded (from
 * the topic catalog); other topics are hashed over all their partitions like the default partitioner.
 */
export function PriorityBandPartitioner(bandsOf: (topic: string) => readonly PriorityBand[] | undefined): ICustomPartitioner {
  return () => {
    let counter = 0;
    return ({ topic, partitionMetadata, message }: PartitionerArgs): number => {
      if (typeof message.partition === 'number') return message.partition;
      const key = message.key == null ? null : Buffer.isBuffer(message.key) ? message.key : Buffer.from(message.key);
      return choosePartition(
        bandsOf(topic),
        partitionMetadata.length,
        parsePriority(message.headers?.[PRIORITY_HEADER]),
        key,
        () => counter++,
      );
    };
  };
}
