/**
 * Errors of @tributary/schemas. Every error has a stable code (scripts and callers match on it, not
 * on the message); a bad name or catalog entry is a programming or input error, so none is retriable.
 */
export type SchemasErrorCode = 'TRIB_TOPIC_NAME_INVALID' | 'TRIB_TOPIC_SPEC_INVALID';

export class SchemasError extends Error {
  readonly retriable = false;

  constructor(
    readonly code: SchemasErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SchemasError';
  }
}

// ---- Event codec and schema registry ---------------------------------------------------------------
// Three classes, by what the caller should do: CodecError and SchemaIncompatibleError mean "this
// message or schema will never work as it is" (don't retry: dead-letter it, or fix the schema);
// RegistryUnavailableError means "try again later". The `retriable` flag says the same to the retry helper.

export type CodecErrorCode =
  /** Bytes that are not the Confluent wire format (no magic byte 0, shorter than 5 bytes, bad Avro). */
  | 'TRIB_CODEC_MALFORMED'
  /** The schema id in the message is not known to the registry (404). */
  | 'TRIB_CODEC_UNKNOWN_SCHEMA'
  /** The record type name is not in the codec's schemas (a typo, or generated code not rebuilt). */
  | 'TRIB_CODEC_UNKNOWN_TYPE'
  /** A value that does not match its schema (wrong type, missing field, Date instead of epoch ms). */
  | 'TRIB_CODEC_INVALID_VALUE'
  /** The writer's schema cannot be read with this process's (older) schema of the same record. */
  | 'TRIB_CODEC_UNREADABLE'
  /** createEventCodec / createSchemaRegistryClient options that fail validation. */
  | 'TRIB_CODEC_OPTIONS_INVALID';

export class CodecError extends Error {
  readonly retriable = false;

  constructor(
    readonly code: CodecErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CodecError';
  }
}

/** What kind of change makes a schema unable to read older data. */
export type CompatibilityViolation =
  | 'field-added-without-default'
  | 'type-changed'
  | 'enum-symbol-removed'
  | 'name-changed'
  | 'fixed-size-changed'
  /** The registry refused it (HTTP 409) or avsc refused it for a reason not listed above. */
  | 'other';

export interface SchemaIncompatibleDetails {
  /** The registry subject, `<topic>-<record full name>`. */
  readonly subject: string;
  /** Dotted path of the offending field ("inner.amount", "stages[].count"); undefined for the record itself. */
  readonly field: string | undefined;
  /** The compatibility rule broken. */
  readonly rule: string;
  readonly violation: CompatibilityViolation;
  /** The registered version that could no longer be read, when known. */
  readonly version: number | undefined;
}

/** A schema change refused because data already written could no longer be read. */
export class SchemaIncompatibleError extends Error implements SchemaIncompatibleDetails {
  readonly code = 'TRIB_SCHEMA_INCOMPATIBLE';
  readonly retriable = false;
  readonly subject: string;
  readonly field: string | undefined;
  readonly rule: string;
  readonly violation: CompatibilityViolation;
  readonly version: number | undefined;

  constructor(message: string, details: SchemaIncompatibleDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SchemaIncompatibleError';
    this.subject = details.subject;
    this.field = details.field;
    this.rule = details.rule;
    this.violation = details.violation;
    this.version = details.version;
  }
}

/** The registry could not be reached or answered 5xx / timed out: worth retrying. */
export class RegistryUnavailableError extends Error {
  readonly code = 'TRIB_REGISTRY_UNAVAILABLE';
  readonly retriable = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RegistryUnavailableError';
  }
}

/** The registry refused a request for a reason retrying will not fix (401/403, 422 invalid schema, ...). */
export class RegistryRequestError extends Error {
  readonly code = 'TRIB_REGISTRY_REJECTED';
  readonly retriable = false;

  constructor(
    message: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RegistryRequestError';
  }
}
