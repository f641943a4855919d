/**
 * Errors of the quality manager, in one module. Record-level problems never surface as errors: a rule
 * that throws quarantines its record (see @tributary/quality-rules).
 */
export class QualityManagerConfigError extends Error {
  readonly code = 'TRIB_QUALITY_MANAGER_OPTIONS_INVALID';
  /** Invalid start-up configuration: the process must not start. */
  readonly retriable = false;

  constructor(
    message: string,
    readonly issues: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'QualityManagerConfigError';
  }
}

export type QualityEventsErrorCode =
  /** The follower of `<prefix>.quality.events` was closed while something waited on it. */
  | 'TRIB_QUALITY_EVENTS_CLOSED'
  /** `<prefix>.quality.events` could not be read up to its end in time (retriable: the command is retried). */
  | 'TRIB_QUALITY_EVENTS_BEHIND';

/** The quality manager's view of its own events topic could not answer (see events/follower.ts). */
export class QualityEventsError extends Error {
  constructor(
    readonly code: QualityEventsErrorCode,
    message: string,
    readonly retriable: boolean,
  ) {
    super(message);
    this.name = 'QualityEventsError';
  }
}
