export { storeKeys } from './keys.js';
export type { StoreKeys } from './keys.js';
export { baselineStoreDefaults } from './options.js';
export type { BaselineStoreOptions } from './options.js';
export { BaselineStore } from './store.js';
export type { BaselineLoadResult } from './store.js';
