import { SchemasError } from '../errors.js';
import type { ManagedTopicConfig, ResolvedTopicSpec, TopicSpec } from './types.js';

/** The topic configs Tributary sets on creation and compares for drift. */
export const MANAGED_TOPIC_CONFIGS: readonly ManagedTopicConfig[] = ['cleanup.policy', 'retention.ms', 'min.insync.replicas'];

export interface ResolveOptions {
  /** Brokers in the cluster the topic is created on. */
  readonly brokerCount: number;
}

/**
 * Settles a spec's replication for a cluster of `brokerCount` brokers:
 *
 * - replication factor = min(intent, brokerCount): Kafka refuses a factor above the broker count,
 *   and a one-broker dev stack must work with the same catalog as production.
 * - min.insync.replicas = min(intent, replication − 1), at least 1: with the default intent (3/2)
 *   that is 2 when replication ≥ 3, else 1. Requiring every replica in sync (e.g. 2 of 2) would
 *   make one broker restart block every acks=all producer, so one replica is always allowed to lag.
 */
export function resolveTopicSpec(spec: TopicSpec, options: ResolveOptions): ResolvedTopicSpec {
  const { brokerCount } = options;
  if (!Number.isInteger(brokerCount) || brokerCount < 1) {
    throw new SchemasError('TRIB_TOPIC_SPEC_INVALID', `brokerCount must be a positive integer, got ${brokerCount}`);
  }
  const replicationFactor = Math.min(spec.replication.factor, brokerCount);
  const minInsyncReplicas = Math.max(1, Math.min(spec.replication.minInsyncReplicas, replicationFactor - 1));
  return {
    name: spec.name,
    kind: spec.kind,
    description: spec.description,
    partitions: spec.partitions,
    replicationFactor,
    configs: {
      'cleanup.policy': spec.cleanupPolicy,
      'retention.ms': String(spec.retentionMs),
      'min.insync.replicas': String(minInsyncReplicas),
    },
    ...(spec.priorityBands ? { priorityBands: spec.priorityBands } : {}),
  };
}
