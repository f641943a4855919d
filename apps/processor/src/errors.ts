/**
 * Errors of the processor, in one module. HTTP failures become a `ProcessorHttpError` with a stable
 * `TRIB_…` code and the status it is answered with, in the CPM's error shape
 * `{ "error": { "code", "message", "details" } }`; anything else is a bug and is answered 500.
 */
export type ProcessorErrorCode =
  | 'TRIB_AUTH_MISSING'
  | 'TRIB_AUTH_INVALID'
  | 'TRIB_ROUTE_NOT_FOUND'
  | 'TRIB_PIPELINE_NOT_FOUND'
  | 'TRIB_REQUEST_MALFORMED'
  | 'TRIB_DEFINITION_INVALID'
  | 'TRIB_PREVIEW_TOO_LARGE'
  | 'TRIB_NOT_READY'
  | 'TRIB_INTERNAL';

export class ProcessorHttpError extends Error {
  /** 503s are retriable; everything else is about the request and fails the same way again. */
  readonly retriable: boolean;
  /** Extra response headers (`Retry-After`, `WWW-Authenticate`). */
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    readonly code: ProcessorErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    options: { cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ProcessorHttpError';
    this.retriable = status === 503;
    this.headers = options.headers ?? {};
  }
}

/** Invalid start-up configuration or options: the process must not start. Never retriable. */
export class ProcessorConfigError extends Error {
  readonly code = 'TRIB_PROCESSOR_OPTIONS_INVALID';
  readonly retriable = false;
  constructor(
    message: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'ProcessorConfigError';
  }
}
