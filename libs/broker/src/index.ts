// The only public door of @tributary/broker.
export { BrokerError, isConnectionFailure, UnrecoverableError } from './errors.js';
export type { BrokerErrorCode } from './errors.js';
export { silentLogger } from './logger.js';
export type { BrokerLogger } from './logger.js';
export { applyTopics, applyTopicsDefaults, planAgainstCluster, planTopics } from './provisioning/index.js';
export type {
  ApplyTopicsOptions,
  ApplyTopicsResult,
  DescribedTopic,
  DriftField,
  TopicDrift,
  TopicPlan,
} from './provisioning/index.js';
export { createKafka, type KafkaClientOptions } from './kafka/client.js';
export { DeadLetterHeaders, Headers, eventHeaders, headersToStrings } from './headers.js';
export { noopMetrics, noopTelemetry } from './ports.js';
export type { EventCodecPort, MessagingMetricsPort, MessagingTelemetryPort, SpanHandle } from './ports.js';
export {
  backoffDelay,
  errorCode,
  isInfrastructureFailure,
  isRetriable,
  resolveRetryPolicy,
  retry,
  retryDefaults,
} from './retry/index.js';
export type { RetryOutcome, RetryPolicy } from './retry/index.js';
export {
  assignPriorityBands,
  BandScheduler,
  bandSchedulerDefaults,
  choosePartition,
  murmur2,
  parsePriority,
  PRIORITY_HEADER,
  PriorityBandAssigner,
  PriorityBandPartitioner,
} from './priority/index.js';
export type { BandSchedulerOptions, MemberAssignments, TopicPartitions } from './priority/index.js';
export { createPublisher, publisherDefaults, resolvePublisherOptions } from './publisher/index.js';
export type { Publisher, PublisherDeps, PublisherOptions, PublishOptions, PublishReceipt, RawMessage } from './publisher/index.js';
export {
  consumerRunnerDefaults,
  createConsumerRunner,
  deadLetterOf,
  deadLetterTopicOf,
  resolveConsumerRunnerOptions,
} from './consumer/index.js';
export type {
  ConsumedEvent,
  ConsumerRunner,
  ConsumerRunnerDeps,
  ConsumerRunnerOptions,
  EventHandler,
  EventHandlers,
  Checkpoint,
  HandlerContext,
} from './consumer/index.js';
export { redriveDeadLetters, REDRIVE_COUNT_HEADER } from './dead-letters/index.js';
export type { RedriveOptions, RedriveResult } from './dead-letters/index.js';
export { createIdempotencyGuard, idempotencyDefaults } from './idempotency/index.js';
export type { IdempotencyGuard, IdempotencyGuardOptions } from './idempotency/index.js';
export { installGracefulShutdown } from './lifecycle/index.js';
export type { Closeable, ShutdownOptions } from './lifecycle/index.js';
export { readTopicSlice } from './topic-slice/index.js';
export type { SliceEnd, SliceMessage, SliceVerdict, TopicSliceOptions, TopicSliceResult } from './topic-slice/index.js';
export { createMonitoringSink, metricBatchDefaults, metricBatchesOf, metricBatchPoints, MonitoringEventNames } from './monitoring/index.js';
export type { MetricBatchBounds, MonitoringSink, MonitoringSinkDeps } from './monitoring/index.js';
export { createTopicFollower } from './topic-follower/index.js';
export type { FollowerListener, TopicFollower, TopicFollowerDeps } from './topic-follower/index.js';
