/**
 * Errors of the pipeline manager, in one module. Refusals of a command are not thrown: they are
 * answered with a CommandRejected event carrying one of {@link RejectionCode}. Thrown errors are for
 * the manager itself: bad options (never retried) and views that lag its own writes (retried).
 */
export type RejectionCode =
  | 'TRIB_PIPELINE_EXISTS'
  | 'TRIB_PIPELINE_NOT_FOUND'
  | 'TRIB_VERSION_CONFLICT'
  | 'TRIB_DEFINITION_INVALID'
  | 'TRIB_SCHEMA_INCOMPATIBLE'
  | 'TRIB_RUN_ACTIVE'
  | 'TRIB_RUN_NOT_ACTIVE'
  /** A Start/Replay names a run id an earlier run already used. */
  | 'TRIB_RUN_ID_TAKEN'
  /** Replays re-stage `.raw` (docs/pipeline-flow.md); other stages are not replayable yet. */
  | 'TRIB_REPLAY_STAGE_UNSUPPORTED'
  /** `untilTime` before `fromTime`. */
  | 'TRIB_REPLAY_RANGE_INVALID';

/** Code of the RunFailed the failure policy publishes. */
export const ERROR_RATE_CODE = 'TRIB_RUN_ERROR_RATE';

export type PipelineManagerErrorCode = 'TRIB_PIPELINE_MANAGER_OPTIONS_INVALID';

export class PipelineManagerError extends Error {
  readonly retriable = false;
  constructor(
    readonly code: PipelineManagerErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'PipelineManagerError';
  }
}

/** A refusal, as the command handlers return it (becomes CommandRejected). */
export interface Rejection {
  readonly code: RejectionCode;
  readonly message: string;
  readonly details?: unknown;
}
