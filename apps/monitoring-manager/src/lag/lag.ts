import type { BrokerLogger } from '@tributary/broker';
import type { MetricSnapshot } from '@tributary/schemas';
import type { Admin } from 'kafkajs';

/** The lag of every consumer group, as the monitoring manager measures it from Kafka itself. */
export const GROUP_LAG_METRIC = 'tributary_consumer_group_lag';
/** The service of series measured from the broker itself (disk, and the lag of groups that are not Tributary's). */
export const GROUP_LAG_SERVICE = 'kafka';

/**
 * Which service runs a consumer group, by Tributary's group names: `<prefix>-<name>` or
 * `<prefix>-<name>.<pipeline>…` / `<prefix>-<name>-<role>…`. Longest name first, so
 * `quality-tracker` is the quality manager's and not another `quality…` service's.
 */
const GROUP_OWNERS: readonly (readonly [name: string, service: string])[] = [
  ['pipeline-manager', 'pipeline-manager'],
  ['staging-manager', 'staging-manager'],
  ['monitoring', 'monitoring-manager'],
  ['processor', 'processor'],
  ['quality', 'quality-manager'],
  ['cpm', 'cpm'],
];

/**
 * The service a group's lag is about: its lag series carry that service, so a `ServiceDown` alert
 * of the service inhibits its lag alerts (`equal: [service]`). Groups of other prefixes or tools
 * (a console consumer, Kafka Connect) stay `kafka`. Pure.
 */
export function groupOwner(topicPrefix: string, groupId: string): string {
  if (!groupId.startsWith(`${topicPrefix}-`)) return GROUP_LAG_SERVICE;
  const rest = groupId.slice(topicPrefix.length + 1);
  for (const [name, service] of GROUP_OWNERS) {
    if (rest === name || rest.startsWith(`${name}.`) || rest.startsWith(`${name}-`)) return service;
  }
  return GROUP_LAG_SERVICE;
}

export interface GroupOffsets {
  groupId: string;
  topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
}

/**
 * One gauge per (group, topic): the sum over its partitions of high watermark − committed offset.
 * Partitions the group never committed (offset −1) are left out: a throwaway reader, or a group that
 * has not finished its first batch, has no lag to speak of. Pure.
 */
export function groupLagSamples(
  groups: readonly GroupOffsets[],
  highWatermarks: ReadonlyMap<string, ReadonlyMap<number, bigint>>,
  who: { topicPrefix: string; instance: string },
  now: number,
): MetricSnapshot[] {
  const samples: MetricSnapshot[] = [];
  for (const group of groups) {
    for (const { topic, partitions } of group.topics) {
      const highs = highWatermarks.get(topic);
      if (!highs) continue;
      let lag = 0n;
      let committed = 0;
      for (const p of partitions) {
        const offset = BigInt(p.offset);
        const high = highs.get(p.partition);
        if (offset < 0n || high === undefined) continue;
        committed++;
        if (high > offset) lag += high - offset;
      }
      if (committed === 0) continue;
      samples.push({
        service: groupOwner(who.topicPrefix, group.groupId),
        instance: who.instance,
        metric: GROUP_LAG_METRIC,
        kind: 'gauge',
        labels: { group: group.groupId, topic },
        value: Number(lag),
        count: null,
        buckets: [],
        observedAt: now,
      });
    }
  }
  return samples;
}

/** Reads every consumer group's committed offsets and the high watermarks of their topics. */
export async function measureGroupLag(
  admin: Admin,
  who: { topicPrefix: string; instance: string },
  now: () => number,
  logger: BrokerLogger,
): Promise<MetricSnapshot[]> {
  const { groups } = await admin.listGroups();
  const offsets: GroupOffsets[] = [];
  for (const { groupId, protocolType } of groups) {
    if (protocolType !== 'consumer' && protocolType !== '') continue;
    try {
      const topics = await admin.fetchOffsets({ groupId });
      offsets.push({ groupId, topics: topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => ({ partition: p.partition, offset: p.offset })) })) });
    } catch (err) {
      // A group deleted between the listing and now: nothing to measure.
      logger.debug({ err, groupId }, 'could not read the offsets of a group');
    }
  }
  const topics = new Set(offsets.flatMap((g) => g.topics.filter((t) => t.partitions.some((p) => BigInt(p.offset) >= 0n)).map((t) => t.topic)));
  const highs = new Map<string, Map<number, bigint>>();
  for (const topic of topics) {
    try {
      highs.set(topic, new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)])));
    } catch (err) {
      logger.debug({ err, topic }, 'could not read the offsets of a topic');
    }
  }
  return groupLagSamples(offsets, highs, who, now());
}
