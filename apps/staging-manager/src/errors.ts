/**
 * Errors of the staging manager, in one module. `code` is stable (logs, DLQ headers and dashboards
 * match on it); `retriable` tells the broker runtime's retry helper whether the same message may
 * succeed later. Per-record problems (bad JSON, a wrong field) are not exceptions: they become
 * RecordRejected outputs, so only what can never be staged by any retry ends up here.
 */
export type StagingManagerErrorCode =
  /** Invalid options passed to createStagingManager: fix the call, never retry it. */
  | 'TRIB_STAGING_MANAGER_OPTIONS_INVALID'
  /** A record passed validation but does not fit the pipeline's Avro input schema: a bug, dead-lettered. */
  | 'TRIB_STAGING_NOT_ENCODABLE'
  /** A value on a `.staged` topic was published without its pipeline version (programming error). */
  | 'TRIB_STAGING_VERSION_UNKNOWN'
  /** A replay could not be set up (unknown pipeline, missing topic…). */
  | 'TRIB_REPLAY_FAILED';

export class StagingManagerError extends Error {
  readonly retriable: boolean;

  constructor(
    readonly code: StagingManagerErrorCode,
    message: string,
    options: { retriable?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'StagingManagerError';
    this.retriable = options.retriable ?? false;
  }
}
