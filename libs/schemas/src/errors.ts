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
