export { PriorityBandPartitioner, PRIORITY_HEADER, parsePriority, choosePartition } from './partitioner.js';
export { PriorityBandAssigner } from './assigner.js';
export { assignPriorityBands, type MemberAssignments, type TopicPartitions } from './assignment.js';
export { BandScheduler, bandSchedulerDefaults, type BandSchedulerOptions } from './scheduler.js';
export { murmur2 } from './murmur2.js';
