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
