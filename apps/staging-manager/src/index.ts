// The only public door of the staging manager (main.ts wires it; tests and tools import from here).
export { createStagingManager } from './manager.js';
export type { StagingManager, StagingManagerDeps } from './manager.js';
export { resolveStagingManagerOptions, stagingManagerDefaults } from './options.js';
export type { StagingManagerOptions } from './options.js';
export { StagingManagerError } from './errors.js';
export type { StagingManagerErrorCode } from './errors.js';
export type { DefinitionsSource, PipelineVersion } from './types.js';
export { RAW_RECORD_TYPE } from './codec/staging-codec.js';
