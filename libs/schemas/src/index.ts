// The only public door of @tributary/schemas.
export { SchemasError } from './errors.js';
export type { SchemasErrorCode } from './errors.js';
export {
  DLQ_SUFFIX,
  MANAGED_TOPIC_CONFIGS,
  MANAGERS,
  PIPELINE_DATA_STAGES,
  PRIORITIES,
  assertValidPipelineId,
  assertValidTopicName,
  controlTopicCatalog,
  controlTopics,
  dlqTopicFor,
  isValidPipelineId,
  isValidTopicName,
  pipelineDataTopics,
  priorityBandOf,
  priorityBands,
  resolveTopicSpec,
  topicCatalogDefaults,
  topicRetentionMs,
} from './topics/index.js';
export type {
  CatalogOptions,
  CleanupPolicy,
  ControlTopicCatalog,
  ManagedTopicConfig,
  ManagerName,
  PipelineDataStage,
  PipelineDataTopicOptions,
  Priority,
  PriorityBand,
  ReplicationIntent,
  ResolveOptions,
  ResolvedTopicSpec,
  TopicKind,
  TopicSpec,
} from './topics/index.js';
