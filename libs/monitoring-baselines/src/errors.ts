/**
 * Errors of @tributary/monitoring-baselines, in one module. `code` is stable (callers match on it,
 * never on the message); `retriable` says whether the same call may succeed later, so the caller's
 * retry helper (isRetriable) decides without parsing messages; `cause` keeps the ioredis or zod error.
 */
export type BaselineErrorCode =
  /** Options of a book, store, baseline or detector failed validation: fix the call. Not retriable. */
  | 'TRIB_BASELINE_OPTIONS_INVALID'
  /**
   * A stored series state does not have the shape this version writes (corrupted, or written by a
   * foreign or newer writer). Not retriable: the series is rebuilt by replay instead.
   */
  | 'TRIB_BASELINE_SNAPSHOT_INVALID'
  /**
   * Redis did not answer in time, refused the connection, dropped it, or is loading/busy. Retriable:
   * the caller degrades (keeps baselines in memory, reports it) and flushes again later.
   */
  | 'TRIB_BASELINE_STORE_UNAVAILABLE'
  /** Redis answered with an error to a command (e.g. WRONGTYPE: a key of the prefix holds something else). Not retriable. */
  | 'TRIB_BASELINE_STORE_FAILED';

/** One offending option or snapshot path, and why. */
export interface BaselineIssue {
  readonly path: string;
  readonly message: string;
}

export class BaselineError extends Error {
  readonly retriable: boolean;
  /** Per-field details for TRIB_BASELINE_OPTIONS_INVALID and TRIB_BASELINE_SNAPSHOT_INVALID; empty otherwise. */
  readonly issues: readonly BaselineIssue[];

  constructor(
    readonly code: BaselineErrorCode,
    message: string,
    options: { retriable?: boolean; cause?: unknown; issues?: readonly BaselineIssue[] } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'BaselineError';
    this.retriable = options.retriable ?? code === 'TRIB_BASELINE_STORE_UNAVAILABLE';
    this.issues = options.issues ?? [];
  }
}

/** The one place that decides whether an error of this library is worth retrying. */
export function isRetriable(err: unknown): boolean {
  return err instanceof Error && (err as { retriable?: unknown }).retriable === true;
}

// Replies Redis gives while it cannot serve yet (starting, busy script, failover): the same command
// succeeds later, like a refused connection.
const TRANSIENT_REPLIES = /^(LOADING|BUSY|TRYAGAIN|MASTERDOWN|READONLY|CLUSTERDOWN)\b/;

/**
 * Wraps an ioredis failure. A ReplyError is Redis saying no (TRIB_BASELINE_STORE_FAILED) unless it is
 * a transient reply; anything else (ECONNREFUSED, "Connection is closed.", MaxRetriesPerRequestError,
 * "Command timed out") means Redis could not be reached: TRIB_BASELINE_STORE_UNAVAILABLE.
 */
export function toStoreError(err: unknown, what: string): BaselineError {
  if (err instanceof BaselineError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  if (err instanceof Error && err.name === 'ReplyError' && !TRANSIENT_REPLIES.test(reason)) {
    return new BaselineError('TRIB_BASELINE_STORE_FAILED', `${what}: Redis replied ${reason}`, { cause: err });
  }
  return new BaselineError('TRIB_BASELINE_STORE_UNAVAILABLE', `${what}: Redis unavailable (${reason})`, { cause: err });
}
