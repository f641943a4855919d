export { createAnnouncer, type Announcer, type AnnouncerDeps } from './announcer.js';
export { createPipelineRunner, processorGroupId, processorTransactionalId, type PipelineRunner, type PipelineRunnerDeps } from './pipeline-runner.js';
export { createProcessor } from './processor.js';
export type { LocalPipelineStatus, Processor, ProcessorDeps } from './types.js';
