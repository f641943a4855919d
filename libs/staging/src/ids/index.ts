export { canonicalJson } from './canonical-json.js';
export { KeyDeduper } from './key-deduper.js';
export { keyDeduperDefaults, resolveKeyDeduperOptions } from './options.js';
export type { KeyDeduperOptions } from './options.js';
export { recordId } from './record-id.js';
export type { RecordIdOptions } from './record-id.js';

