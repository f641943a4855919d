/**
 * Errors of @tributary/quality-metrics, in one module. `code` is stable (callers match on it, never on
 * the message). Everything here is about the caller's input (options, declared expectations, a
 * snapshot, a record without a usable time, a malformed window delta), so the same call can never succeed later: none is
 * retriable, and a consumer that hits one should send the message to its DLQ rather than retry.
 */
export type QualityMetricsErrorCode =
  /** Options of an accumulator, reducer, detector, trend or report failed validation: fix the call. */
  | 'TRIB_QUALITY_OPTIONS_INVALID'
  /** A declared window expectation is malformed (unknown type, bad window, min > max, duplicate id). */
  | 'TRIB_QUALITY_EXPECTATION_INVALID'
  /** An evaluated record has no finite epoch-ms `now`, or no string `recordId`. */
  | 'TRIB_QUALITY_RECORD_INVALID'
  /**
   * A window delta does not have the shape this library writes (e.g. decoded from an older or foreign
   * producer), belongs to another pipeline or window size than the reducer's, or cannot be merged
   * with another delta of its window (their freshness rules disagree).
   */
  | 'TRIB_QUALITY_DELTA_INVALID'
  /** A detector snapshot does not have the shape this version writes. */
  | 'TRIB_QUALITY_SNAPSHOT_INVALID';

/** One offending option, expectation field or snapshot path, and why. */
export interface QualityMetricsIssue {
  readonly path: string;
  readonly message: string;
}

export class QualityMetricsError extends Error {
  readonly retriable = false;

  constructor(
    readonly code: QualityMetricsErrorCode,
    message: string,
    readonly issues: readonly QualityMetricsIssue[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'QualityMetricsError';
  }
}
