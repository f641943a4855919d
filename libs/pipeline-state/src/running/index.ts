export { pipelineStateSource } from './source.js';
export type { PipelineStateSourceDeps } from './source.js';
export type { PipelineSource, PipelineVersion, RunningPipeline } from './types.js';
