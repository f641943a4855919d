export { compileRecordValidator, validateRecord } from './validate-record.js';
export { resolveValidationPolicy, validationDefaults } from './options.js';
export type { ExtraFieldsPolicy, ValidationPolicy } from './options.js';
export { parseIsoTimestamp } from './timestamp.js';
export type { TimestampParse, ZonelessPolicy } from './timestamp.js';
export type { FieldIssue, FieldIssueCode, RecordValidator, StagedRecord, ValidationResult } from './types.js';
