/**
 * Errors of @tributary/pipeline-state, in one module. `code` is stable (callers match on it);
 * `retriable` says whether waiting and trying again may succeed (a view that lags, a broker that is
 * briefly unreachable), so a retry helper can decide without parsing messages.
 */
export type PipelineStateErrorCode =
  /** A view's options failed validation: fix the call, never retry it. */
  | 'TRIB_VIEW_OPTIONS_INVALID'
  /** The view could not connect, read the topic offsets or subscribe. Retriable. */
  | 'TRIB_VIEW_START_FAILED'
  /** The view was used after `close()`. */
  | 'TRIB_VIEW_CLOSED'
  /** No event with the awaited correlation id arrived in time. Retriable (the answer may still come). */
  | 'TRIB_CORRELATION_TIMEOUT'
  /** A condition awaited on a view did not hold in time (the view lags its topics). Retriable. */
  | 'TRIB_VIEW_WAIT_TIMEOUT';

const RETRIABLE: ReadonlySet<PipelineStateErrorCode> = new Set(['TRIB_VIEW_START_FAILED', 'TRIB_CORRELATION_TIMEOUT', 'TRIB_VIEW_WAIT_TIMEOUT']);

export class PipelineStateError extends Error {
  readonly retriable: boolean;

  constructor(
    readonly code: PipelineStateErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'PipelineStateError';
    this.retriable = RETRIABLE.has(code);
  }
}
