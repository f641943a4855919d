export { PRIORITIES, priorityBandOf, priorityBands } from './bands.js';
export {
  DLQ_SUFFIX,
  MANAGERS,
  PIPELINE_DATA_STAGES,
  controlTopicCatalog,
  controlTopics,
  dlqTopicFor,
  pipelineDataTopics,
} from './catalog.js';
export type { CatalogOptions, PipelineDataTopicOptions } from './catalog.js';
export {
  assertValidPipelineId,
  assertValidTopicName,
  isValidPipelineId,
  isValidTopicName,
  topicCatalogDefaults,
} from './options.js';
export { MANAGED_TOPIC_CONFIGS, resolveTopicSpec } from './resolve.js';
export type { ResolveOptions } from './resolve.js';
export { topicRetentionMs } from './retention.js';
export type {
  CleanupPolicy,
  ControlTopicCatalog,
  ManagedTopicConfig,
  ManagerName,
  PipelineDataStage,
  Priority,
  PriorityBand,
  ReplicationIntent,
  ResolvedTopicSpec,
  TopicKind,
  TopicSpec,
} from './types.js';
