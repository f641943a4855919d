/**
 * Errors of @tributary/alerting, in one module. `code` is stable (callers match on it, never on the
 * message); `retriable` says whether the same call may succeed later, and the one retry helper
 * (retry.ts) reads nothing else; `cause` keeps the underlying error, with destination URLs redacted.
 *
 * Only delivery failures can be retriable: everything else is about the caller's input (a rule file,
 * options, a silence, a snapshot, a sample), so the same call can never succeed later and a consumer
 * that hits one should send the message to its DLQ rather than retry.
 */
export type AlertingErrorCode =
  /** A rule file is not YAML/JSON, or does not follow the schema, or its parts disagree (see `issues`). */
  | 'TRIB_ALERT_RULES_INVALID'
  /** Options of an evaluator, dispatcher, notifier or parser failed validation: fix the call. */
  | 'TRIB_ALERT_OPTIONS_INVALID'
  /** A snapshot handed to restore() does not have the shape this version writes. */
  | 'TRIB_ALERT_SNAPSHOT_INVALID'
  /** A sample or anomaly signal fed to the evaluator is malformed (no metric, non-numeric value, no time). */
  | 'TRIB_ALERT_SAMPLE_INVALID'
  /** A silence to create is malformed (no matcher, matches everything, ends before it starts, ...). */
  | 'TRIB_ALERT_SILENCE_INVALID'
  /** An acknowledgement does not say who acknowledged. */
  | 'TRIB_ALERT_ACKNOWLEDGEMENT_INVALID'
  /** The silence or alert named does not exist (or the alert is not firing, for an acknowledgement). */
  | 'TRIB_ALERT_NOT_FOUND'
  /** A notification destination is not on the allow-list: refused before any request is made. */
  | 'TRIB_ALERT_DESTINATION_REFUSED'
  /** A delivery failed in a way that may pass later (network error, timeout, 5xx, 408, 429). Retriable. */
  | 'TRIB_ALERT_DELIVERY_FAILED'
  /** The receiver answered that the request itself is wrong (4xx), or redirected (never followed). */
  | 'TRIB_ALERT_DELIVERY_REJECTED'
  /** The notifier was closed: nothing more is sent. */
  | 'TRIB_ALERT_CLOSED';

/** One offending field (a dotted path such as `groups.0.rules.1.for`), and why. */
export interface AlertingIssue {
  readonly path: string;
  readonly message: string;
  /** 1-based line of the offending node, when it came from a YAML or JSON text. */
  readonly line?: number;
}

export class AlertingError extends Error {
  readonly retriable: boolean;
  /** Per-field details for the *_INVALID codes; empty otherwise. */
  readonly issues: readonly AlertingIssue[];

  constructor(
    readonly code: AlertingErrorCode,
    message: string,
    options: { retriable?: boolean; cause?: unknown; issues?: readonly AlertingIssue[] } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AlertingError';
    this.retriable = options.retriable ?? code === 'TRIB_ALERT_DELIVERY_FAILED';
    this.issues = options.issues ?? [];
  }
}

/** An error built from issues, with the first few spelled out in the message. */
export function invalid(code: AlertingErrorCode, what: string, issues: readonly AlertingIssue[]): AlertingError {
  const shown = issues.slice(0, 5).map((i) => {
    const where = i.line === undefined ? i.path : `${i.path === '' ? '(root)' : i.path} (line ${i.line})`;
    return where === '' ? i.message : `${where}: ${i.message}`;
  });
  const more = issues.length > 5 ? `; and ${issues.length - 5} more` : '';
  return new AlertingError(code, `invalid ${what}: ${shown.join('; ')}${more}`, { issues });
}
