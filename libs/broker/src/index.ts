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
