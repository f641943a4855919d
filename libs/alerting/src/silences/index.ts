export { SilenceStore, silenceState } from './silence-store.js';
export type { SilenceStoreSnapshot } from './silence-store.js';
export { resolveSilenceStoreOptions, silenceStoreDefaults } from './options.js';
export type { ResolvedSilenceStoreOptions, SilenceStoreOptions } from './options.js';
export type { Silence, SilenceInput, SilenceState, SilenceView } from './types.js';
