export { createVersionCodec, type VersionCodec } from './codec.js';
export { createOutputShaper, type ShapedOutput } from './output.js';
export { previewRecords, type PreviewError, type PreviewResult } from './preview.js';
export { DataHeaders, EventNames, pipelineEventsTopic, pipelineTopics, type PipelineTopics } from './topics.js';
export { createPipelineWorker, type PendingCounts, type PipelineWorker, type PipelineWorkerDeps } from './worker.js';
