export { createPipelineEventsView } from './view.js';
export { pipelineEventsViewDefaults } from './types.js';
export type { PipelineEventsListener, PipelineEventsView, PipelineEventsViewOptions, ViewEvent, WaitForCorrelationOptions } from './types.js';
