export { parseRecords } from './parse-records.js';
export { ingestFormatOf, INGEST_MEDIA_TYPES } from './media-type.js';
export { ingestLimitDefaults, resolveIngestLimits } from './options.js';
export type { IngestLimits } from './options.js';
export type { ParsedBody } from './types.js';
