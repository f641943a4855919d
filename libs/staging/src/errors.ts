/**
 * Errors of @tributary/staging, in one module. `code` is stable (the CPM maps it to an HTTP status and
 * clients match on it, never on the message). Everything here is about the input or the caller's
 * options, so the same call can never succeed later: none is retriable.
 *
 * Per-record problems (a wrong type, a missing field) are not exceptions: `validateRecord` returns them
 * as data so one bad record never fails its batch.
 */
export type StagingErrorCode =
  /** The body is not valid JSON / NDJSON / CSV / UTF-8. HTTP 400. */
  | 'TRIB_INGEST_MALFORMED'
  /** Too many records, a record too big, or a body too big. HTTP 413. */
  | 'TRIB_INGEST_TOO_LARGE'
  /** A content type other than JSON, NDJSON or CSV (or a charset other than UTF-8). HTTP 415. */
  | 'TRIB_INGEST_UNSUPPORTED_MEDIA_TYPE'
  /** A field list that cannot be validated against (duplicate name, unknown type, bad default). */
  | 'TRIB_STAGING_FIELD_SPEC_INVALID'
  /** Options of this library that fail validation: fix the call, never retry it. */
  | 'TRIB_STAGING_OPTIONS_INVALID';

export class StagingError extends Error {
  readonly retriable = false;

  constructor(
    readonly code: StagingErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StagingError';
  }
}

/** Where in the body a parse failed. Lines and columns are 1-based; `position` is 0-based. */
export interface ParseErrorLocation {
  /** Line of the failure (a line ends at "\n"; for CSV also at a lone "\r"). */
  readonly line: number;
  /**
   * JSON and NDJSON: character column on that line. CSV: the 1-based field number in the row (the
   * CSV parser reports fields, not characters); `field` then names the header of that column.
   */
  readonly column: number;
  /** Offset in the decoded text, in UTF-16 code units as JSON.parse counts (a leading BOM is not counted). */
  readonly position: number;
  /** What is wrong, without the location (that is in the other properties). */
  readonly message: string;
  /** CSV only: the header name of the column at fault, when known. */
  readonly field?: string;
}

/** The body is not well-formed for its content type. */
export class IngestParseError extends StagingError implements ParseErrorLocation {
  declare readonly code: 'TRIB_INGEST_MALFORMED';
  readonly line: number;
  readonly column: number;
  readonly position: number;
  readonly field?: string;
  /** The location and reason, ready to be sent as the `details` of a 400 answer. */
  readonly details: ParseErrorLocation;

  constructor(location: ParseErrorLocation, options?: { cause?: unknown }) {
    super(
      'TRIB_INGEST_MALFORMED',
      `${location.message} (line ${location.line}, column ${location.column}, position ${location.position})`,
      options,
    );
    this.name = 'IngestParseError';
    this.line = location.line;
    this.column = location.column;
    this.position = location.position;
    if (location.field !== undefined) this.field = location.field;
    this.details = Object.freeze({ ...location });
  }
}

export type IngestLimitName = 'maxBodyBytes' | 'maxRecords' | 'maxRecordBytes';

export interface IngestLimitDetails {
  /** The option whose limit was passed. */
  readonly limit: IngestLimitName;
  /** Its value. */
  readonly max: number;
  /** What was seen: bytes, or records (at least max + 1: counting stops there). */
  readonly actual: number;
  /** maxRecordBytes: 0-based index of the first record that is too big. */
  readonly index?: number;
  /** maxRecordBytes with NDJSON or CSV: the line on which that record starts. */
  readonly line?: number;
}

/** The request is bigger than the limits allow. */
export class IngestTooLargeError extends StagingError {
  declare readonly code: 'TRIB_INGEST_TOO_LARGE';
  readonly details: IngestLimitDetails;

  constructor(message: string, details: IngestLimitDetails) {
    super('TRIB_INGEST_TOO_LARGE', message);
    this.name = 'IngestTooLargeError';
    this.details = Object.freeze({ ...details });
  }
}

/** The content type is not one this library parses. */
export class UnsupportedMediaTypeError extends StagingError {
  declare readonly code: 'TRIB_INGEST_UNSUPPORTED_MEDIA_TYPE';
  readonly details: { readonly contentType: string; readonly supported: readonly string[] };

  constructor(contentType: string, supported: readonly string[], reason?: string) {
    super(
      'TRIB_INGEST_UNSUPPORTED_MEDIA_TYPE',
      `unsupported content type ${JSON.stringify(contentType)}${reason ? ` (${reason})` : ''}; expected one of ${supported.join(', ')}`,
    );
    this.name = 'UnsupportedMediaTypeError';
    this.details = Object.freeze({ contentType, supported });
  }
}

/** An option or field list that fails validation, with one issue per problem. */
export class StagingOptionsError extends StagingError {
  declare readonly code: 'TRIB_STAGING_FIELD_SPEC_INVALID' | 'TRIB_STAGING_OPTIONS_INVALID';
  constructor(
    code: 'TRIB_STAGING_FIELD_SPEC_INVALID' | 'TRIB_STAGING_OPTIONS_INVALID',
    message: string,
    /** Dotted path of each offending option or field, and why. */
    readonly issues: readonly { path: string; message: string }[],
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'StagingOptionsError';
  }
}
