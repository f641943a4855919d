export { applyTopics, planAgainstCluster } from './apply.js';
export { applyTopicsDefaults } from './options.js';
export type { ApplyTopicsOptions } from './options.js';
export { planTopics } from './plan.js';
export type { ApplyTopicsResult, DescribedTopic, DriftField, TopicDrift, TopicPlan } from './types.js';
