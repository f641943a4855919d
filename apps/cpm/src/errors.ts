/**
 * Errors of the CPM, in one module. Every failure the HTTP edge knows about becomes a `CpmHttpError`
 * with a stable `TRIB_…` code and the status it is answered with; the error handler turns it into
 * `{ "error": { "code", "message", "details" } }`. Anything else is a bug and is answered 500.
 */
export type CpmErrorCode =
  | 'TRIB_AUTH_MISSING'
  | 'TRIB_AUTH_INVALID'
  | 'TRIB_FORBIDDEN'
  | 'TRIB_ROUTE_NOT_FOUND'
  | 'TRIB_PIPELINE_NOT_FOUND'
  | 'TRIB_REQUEST_MALFORMED'
  | 'TRIB_INGEST_MALFORMED'
  | 'TRIB_INGEST_TOO_LARGE'
  | 'TRIB_INGEST_UNSUPPORTED_MEDIA_TYPE'
  | 'TRIB_INGEST_ALL_REJECTED'
  | 'TRIB_BROKER_UNREACHABLE'
  | 'TRIB_INGEST_ACK_TIMEOUT'
  | 'TRIB_PUBLISH_FAILED'
  | 'TRIB_NOT_READY'
  | 'TRIB_INTERNAL'
  // Pipelines, runs and processors (docs/cpm.md, "Pipelines").
  | 'TRIB_REQUEST_INVALID'
  | 'TRIB_REQUEST_TOO_LARGE'
  | 'TRIB_UNSUPPORTED_MEDIA_TYPE'
  | 'TRIB_DEFINITION_INVALID'
  | 'TRIB_PIPELINE_EXISTS'
  | 'TRIB_VERSION_CONFLICT'
  | 'TRIB_SCHEMA_INCOMPATIBLE'
  | 'TRIB_RUN_ACTIVE'
  | 'TRIB_RUN_NOT_ACTIVE'
  | 'TRIB_RUN_NOT_FOUND'
  | 'TRIB_ISSUE_NOT_FOUND'
  | 'TRIB_ISSUE_RESOLVED'
  | 'TRIB_REDRIVE_NOT_FOUND'
  | 'TRIB_COMMAND_REJECTED'
  | 'TRIB_COMMAND_TIMEOUT'
  | 'TRIB_NO_PROCESSOR'
  | 'TRIB_TOO_MANY_STREAMS'
  | 'TRIB_TOO_MANY_READS'
  // Monitoring (docs/cpm.md, "Monitoring").
  | 'TRIB_ALERT_NOT_FOUND'
  | 'TRIB_ALERT_NOT_FIRING'
  | 'TRIB_SILENCE_NOT_FOUND'
  | 'TRIB_SILENCE_EXPIRED'
  | 'TRIB_ALERT_SILENCE_INVALID'
  | 'TRIB_ALERT_RULES_NOT_FOUND'
  | 'TRIB_ALERT_RULES_INVALID'
  | 'TRIB_BASELINES_UNAVAILABLE';

export class CpmHttpError extends Error {
  /** 503s and 504s are retriable; everything else is about the request and fails the same way again. */
  readonly retriable: boolean;

  constructor(
    readonly status: number,
    readonly code: CpmErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    options: { cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'CpmHttpError';
    this.retriable = status === 503 || status === 504;
    this.headers = options.headers ?? {};
  }

  /** Extra response headers (`Retry-After`, `WWW-Authenticate`). */
  readonly headers: Record<string, string>;
}

/** Invalid start-up configuration of the CPM (API keys, options): the process must not start. */
export class CpmConfigError extends Error {
  readonly retriable = false;
  constructor(
    readonly code: 'TRIB_CPM_API_KEYS_INVALID' | 'TRIB_CPM_OPTIONS_INVALID',
    message: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'CpmConfigError';
  }
}
