export { DEFAULT_MAX_RUNS, initialPipelinesState, reducePipelineState } from './reducer.js';
export { STAGING_STAGE, stageOrderOf } from './counts.js';
export type {
  CountTotals,
  PipelineState,
  PipelineStatus,
  PipelinesState,
  ProcessorState,
  ReducerOptions,
  RunState,
  RunStatus,
  StageCount,
  StateEvent,
} from './types.js';
