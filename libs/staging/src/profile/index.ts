export { createProfiler } from './profiler.js';
export type { BatchProfile, FieldProfile, FieldProfiler, TextLengthProfile } from './types.js';
