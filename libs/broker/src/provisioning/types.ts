import type { ManagedTopicConfig, ResolvedTopicSpec } from '@tributary/schemas';

/** A topic as it exists on the cluster, reduced to what the catalog manages. */
export interface DescribedTopic {
  readonly name: string;
  readonly partitions: number;
  /** Fewest replicas over the topic's partitions: the weakest partition sets the topic's durability. */
  readonly replicationFactor: number;
  /** Effective values (topic override or broker default); missing when the broker did not report one. */
  readonly configs: Partial<Readonly<Record<ManagedTopicConfig, string>>>;
}

export type DriftField = 'partitions' | 'replicationFactor' | ManagedTopicConfig;

/** One difference between the catalog and the cluster. Reported, never fixed automatically. */
export interface TopicDrift {
  readonly topic: string;
  readonly field: DriftField;
  readonly expected: number | string;
  /** `null` when the cluster did not report the value. */
  readonly actual: number | string | null;
  /** What an operator can do about it, in one sentence. */
  readonly remedy: string;
}

export interface TopicPlan {
  /** Declared topics missing on the cluster. */
  readonly create: ResolvedTopicSpec[];
  /** Differences on existing topics; a topic may have several. */
  readonly drift: TopicDrift[];
  /** Names of existing topics that match the catalog. */
  readonly ok: string[];
}

export interface ApplyTopicsResult {
  /** Brokers seen in the cluster; replication was resolved for this count. */
  readonly brokerCount: number;
  /** The plan computed before any change. */
  readonly plan: TopicPlan;
  /** Topics created by this call (empty on a dry run and on the second of two identical calls). */
  readonly created: string[];
  /**
   * True when another client created some of `created` between our describe and our create;
   * those topics were then checked like any existing topic.
   */
  readonly concurrentCreate: boolean;
  /** Names of existing topics that match the catalog (`plan.ok`). */
  readonly upToDate: string[];
  /** All drift: the plan's, plus any found checking topics a concurrent creator made. */
  readonly drift: TopicDrift[];
  readonly dryRun: boolean;
}
