import type { FailingRecordSample } from '../types.js';

/**
 * What a signal measures. `score`: the window's quality score. `rule`: the failure rate of one
 * per-record rule. `expectation`: the observed value of one window expectation.
 */
export type QualitySignalKind = 'score' | 'rule' | 'expectation';

/** Why an issue opened: a declared bound was crossed, or the value broke from its own history. */
export type IssueReason = 'threshold' | 'anomaly';

/** The recent history a value was judged against. */
export interface IssueBaseline {
  readonly mean: number;
  readonly stdDev: number;
  /** Windows the mean and deviation were computed from. */
  readonly windows: number;
}

/** What the detector saw in the window that opened the issue. */
export interface IssueEvidence {
  readonly windowStart: number;
  readonly windowEnd: number;
  /** `score`, `failureRate`, `volume`, `completeness` or `validity`. */
  readonly metric: string;
  readonly observedValue: number;
  /** The declared bound(s) of the signal. */
  readonly threshold: { readonly min?: number; readonly max?: number };
  /** Present once the signal had enough history to judge drops. */
  readonly baseline?: IssueBaseline;
  /** A few failing records of that window (rule and record id), when the signal has any to show. */
  readonly samples: readonly FailingRecordSample[];
}

/** One quality issue of one pipeline and signal. Plain JSON. */
export interface QualityIssue {
  /** `${pipelineId}:${signal}:${openedWindowStart}`: the same windows replayed give the same id. */
  readonly id: string;
  readonly pipelineId: string;
  /** `score`, `rule:<ruleId>` or `expectation:<expectationId>`: at most one open issue per pipeline and signal. */
  readonly signal: string;
  readonly kind: QualitySignalKind;
  readonly ruleId?: string;
  readonly expectationId?: string;
  readonly reason: IssueReason;
  /** `error` for failed expectations and error rules; `warn` for warn rules and the score. */
  readonly severity: 'error' | 'warn';
  readonly status: 'open' | 'resolved';
  /** One line a person can read in an alert. */
  readonly summary: string;
  readonly openedWindowStart: number;
  readonly openedWindowEnd: number;
  readonly evidence: IssueEvidence;
  /** Windows judged bad while the issue was open, the opening one included. */
  readonly badWindows: number;
  readonly lastBadWindowEnd: number;
  /** The worst value seen while open (lowest, or highest for failure rates and volume over max). */
  readonly worstValue: number;
  /** Set once resolved: the window that completed the recovery and its value. */
  readonly resolvedWindowStart?: number;
  readonly resolvedWindowEnd?: number;
  readonly resolvedObservedValue?: number;
}

export interface IssueTransition {
  readonly kind: 'opened' | 'resolved';
  readonly issue: QualityIssue;
}

/** The state of one signal, as a snapshot holds it. */
export interface SignalSnapshot {
  readonly signal: string;
  /** Recent good values, oldest first: the baseline. Bad values never enter it. */
  readonly history: readonly number[];
  /** Good windows in a row since the open issue's last bad window. */
  readonly goodStreak: number;
  readonly open?: QualityIssue;
  /** Anomalous windows seen in a row, not yet anomalyWindows: the issue they would open, and their values. */
  readonly pending?: { readonly issue: QualityIssue; readonly values: readonly number[] };
}

export interface PipelineIssueSnapshot {
  readonly pipelineId: string;
  /** Start of the last window observed, per window size: older windows fed again are ignored. */
  readonly lastWindowStarts: readonly { readonly windowSizeMs: number; readonly windowStart: number }[];
  readonly signals: readonly SignalSnapshot[];
}

/** The whole detector state, JSON-serialisable (e.g. to a compacted topic keyed by pipeline id). */
export interface QualityIssueSnapshot {
  readonly version: 1;
  readonly pipelines: readonly PipelineIssueSnapshot[];
}
