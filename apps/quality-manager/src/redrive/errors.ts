/**
 * Errors of quarantine redrives. Record-level problems never surface as errors: a record that cannot be
 * judged is quarantined again with the reason, and a refused command is answered with CommandRejected.
 */
export type RedriveErrorCode =
  /** The last record of a planned range could not be found in time (retriable). */
  'TRIB_REDRIVE_PROBE_TIMEOUT';

export class RedriveError extends Error {
  constructor(
    readonly code: RedriveErrorCode,
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RedriveError';
  }
}
