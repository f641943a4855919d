/** Kafka `cleanup.policy` values Tributary uses. `compact,delete` keeps the latest value per key, for a while. */
export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';

/** Command priority; command topics give each one a band of partitions. */
export type Priority = 'high' | 'normal' | 'low';

/** A contiguous, inclusive range of partitions reserved for one priority. */
export interface PriorityBand {
  readonly priority: Priority;
  readonly firstPartition: number;
  readonly lastPartition: number;
}

/** What a topic is for; decides its defaults and tells tools (and humans) how to read it. */
export type TopicKind = 'commands' | 'events' | 'state' | 'metrics' | 'alerts' | 'data' | 'dead-letters';

/**
 * Replication intent: what the topic should get on a cluster big enough for it. The real values
 * depend on the cluster and are settled by `resolveTopicSpec`.
 */
export interface ReplicationIntent {
  /** Target replication factor (capped at the broker count). */
  readonly factor: number;
  /** Target `min.insync.replicas` (capped so one broker can be down without blocking acks=all writes). */
  readonly minInsyncReplicas: number;
}

/** One topic as the catalog declares it, independent of any cluster. */
export interface TopicSpec {
  readonly name: string;
  readonly kind: TopicKind;
  /** One line for ops: who writes it, who reads it, how it is keyed. */
  readonly description: string;
  readonly partitions: number;
  readonly replication: ReplicationIntent;
  /** `retention.ms`; -1 keeps records forever (compacted topics). */
  readonly retentionMs: number;
  readonly cleanupPolicy: CleanupPolicy;
  /** Command topics only: the partition band of each priority, covering every partition once. */
  readonly priorityBands?: readonly PriorityBand[];
}

/** The topic-level Kafka configs Tributary sets and checks for drift; all others are left to the broker. */
export type ManagedTopicConfig = 'cleanup.policy' | 'retention.ms' | 'min.insync.replicas';

/** A spec with replication settled for a given cluster: exactly what gets created and compared. */
export interface ResolvedTopicSpec {
  readonly name: string;
  readonly kind: TopicKind;
  readonly description: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Kafka config name → value, as the admin API takes and returns them (strings). */
  readonly configs: Readonly<Record<ManagedTopicConfig, string>>;
  readonly priorityBands?: readonly PriorityBand[];
}

/** The control plane's topics by role, so code can say `catalog.commands.pipeline.name`. */
export interface ControlTopicCatalog {
  readonly prefix: string;
  readonly commands: Readonly<Record<ManagerName, TopicSpec>>;
  readonly events: Readonly<Record<ManagerName, TopicSpec>>;
  readonly pipelineDefinitions: TopicSpec;
  readonly monitoringMetrics: TopicSpec;
  readonly monitoringAlerts: TopicSpec;
}

/** The eight long-running managers, each a consumer group with its own command and event topics. */
export type ManagerName =
  | 'staging'
  | 'pipeline'
  | 'quality'
  | 'analytics'
  | 'insight'
  | 'monitoring'
  | 'report'
  | 'recommendation';

/** The stages of a pipeline's data, one topic each (DESIGN.md, "Topics"). */
export type PipelineDataStage = 'raw' | 'staged' | 'processed' | 'validated' | 'quarantine' | 'rejected';
