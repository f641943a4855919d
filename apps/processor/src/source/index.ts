export { pipelineStateSource, type PipelineStateSourceDeps } from './pipeline-state-source.js';
export type { PipelineSource, PipelineVersion, RunningPipeline } from './types.js';
