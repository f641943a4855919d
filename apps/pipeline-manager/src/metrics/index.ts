export { pipelineRecordMetricNames, pipelineRecordSeries } from './records.js';
export type { PipelineRecordSeries, RejectedRecordSeries, StageOutcome, StageRecordSeries } from './records.js';
export { registerPipelineRecordMetrics } from './register.js';
export type { PipelineRecordMetrics } from './register.js';
