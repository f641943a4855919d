/** Why one field of one record was refused. Stable codes, for clients and the `.rejected` reasons. */
export type FieldIssueCode =
  /** The record is not a JSON object (an array, a number, null…). `field` is "$". */
  | 'TRIB_RECORD_NOT_OBJECT'
  /** A field that is not nullable and has no default is absent or null. */
  | 'TRIB_RECORD_FIELD_REQUIRED'
  /** The value does not have, or cannot be coerced to, the declared type. */
  | 'TRIB_RECORD_FIELD_TYPE'
  /** The value has the right type but is outside what the type can hold (int32, safe long, float32, dates). */
  | 'TRIB_RECORD_FIELD_RANGE'
  /** An undeclared field while the policy is extraFields: 'reject'. */
  | 'TRIB_RECORD_FIELD_UNKNOWN';

export interface FieldIssue {
  /** The field name, or "$" for the record as a whole. */
  readonly field: string;
  readonly code: FieldIssueCode;
  readonly message: string;
  /** The value as received (undefined when the field is absent). */
  readonly value: unknown;
}

/** A staged record: declared fields in declaration order, then any kept extra fields. */
export type StagedRecord = Record<string, unknown>;

export type ValidationResult =
  | { readonly ok: true; readonly record: StagedRecord }
  | { readonly ok: false; readonly errors: readonly FieldIssue[] };

/** Validates one raw record; compiled once per field list and policy, called per record. */
export type RecordValidator = (raw: unknown) => ValidationResult;
