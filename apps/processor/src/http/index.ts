export { createProcessorHttp, type ProcessorHttpDeps } from './app.js';
export type { ErrorBody } from './errors.js';
