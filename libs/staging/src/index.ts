// The only public door of @tributary/staging: pure ingest and staging logic (no Kafka, no HTTP).
export {
  IngestParseError,
  IngestTooLargeError,
  StagingError,
  StagingOptionsError,
  UnsupportedMediaTypeError,
} from './errors.js';
export type { IngestLimitDetails, IngestLimitName, ParseErrorLocation, StagingErrorCode } from './errors.js';
export { FIELD_TYPES } from './types.js';
export type { FieldSpec, FieldType, IngestFormat } from './types.js';
export { INGEST_MEDIA_TYPES, ingestFormatOf, ingestLimitDefaults, parseRecords, resolveIngestLimits } from './parse/index.js';
export type { IngestLimits, ParsedBody } from './parse/index.js';
export {
  compileRecordValidator,
  parseIsoTimestamp,
  resolveValidationPolicy,
  validateRecord,
  validationDefaults,
} from './validate/index.js';
export type {
  ExtraFieldsPolicy,
  FieldIssue,
  FieldIssueCode,
  RecordValidator,
  StagedRecord,
  TimestampParse,
  ValidationPolicy,
  ValidationResult,
  ZonelessPolicy,
} from './validate/index.js';
export { KeyDeduper, canonicalJson, keyDeduperDefaults, recordId, resolveKeyDeduperOptions } from './ids/index.js';
export type { KeyDeduperOptions, RecordIdOptions } from './ids/index.js';
export { createProfiler } from './profile/index.js';
export type { BatchProfile, FieldProfile, FieldProfiler, TextLengthProfile } from './profile/index.js';
