/**
 * Errors of @tributary/observability. Each has a stable code that logs and alerts can match on.
 * They come from wiring mistakes made at start-up (bad options, clashing metric names), so none is
 * retriable: retrying the same wiring fails the same way.
 */
export type ObservabilityErrorCode =
  /** An options object failed validation; `issues` names each field and why. */
  | 'TRIB_OBSERVABILITY_OPTIONS_INVALID'
  /** A metric name is already registered in the registry passed to `createMetrics`. */
  | 'TRIB_OBSERVABILITY_METRIC_CONFLICT';

export class ObservabilityError extends Error {
  readonly retriable = false;

  constructor(
    readonly code: ObservabilityErrorCode,
    message: string,
    /** One entry per invalid option (empty for errors that are not about options). */
    readonly issues: readonly { option: string; message: string }[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ObservabilityError';
  }
}
