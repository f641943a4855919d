export { loadConfig } from './load.js';
export { configDefaults } from './options.js';
export { ConfigError } from './errors.js';
export type { TributaryConfig } from './types.js';
