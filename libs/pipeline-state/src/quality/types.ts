import type { ViewOptions } from '../view-options.js';

/** One closed quality window of a pipeline, as `QualityWindowClosed` reports it. */
export interface QualityWindowEntry {
  readonly pipelineId: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly records: number;
  readonly quarantined: number;
  readonly score: number | null;
  readonly completeness: number | null;
  readonly validity: number | null;
  /** Every metric (`QualityWindowMetrics` of @tributary/quality-metrics) as published. */
  readonly metrics: unknown;
  readonly expectations: readonly { expectationId: string; type: string; observedValue: number | null; success: boolean }[];
  readonly closedAt: number;
}

/** A quality issue and what happened to it. */
export interface QualityIssueEntry {
  readonly issueId: string;
  readonly pipelineId: string;
  readonly signal: string;
  readonly ruleId: string | null;
  readonly reason: string;
  readonly severity: 'error' | 'warn';
  readonly summary: string;
  readonly metric: string;
  readonly observedValue: number;
  readonly threshold: { readonly min: number | null; readonly max: number | null };
  readonly baseline: { readonly mean: number; readonly stdDev: number | null } | null;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly sampleRecordIds: readonly string[];
  readonly openedAt: number;
  readonly status: 'open' | 'resolved';
  /** Who acknowledged it (someone is on it), when someone did. */
  readonly acknowledgement?: { readonly by: string; readonly note: string | null; readonly at: number };
  /** People's notes, oldest first (at most 100: the newest are kept). */
  readonly notes: readonly QualityIssueNote[];
  /** `by` null: resolved by itself when its signal recovered. */
  readonly resolution?: { readonly reason: string; readonly by: string | null; readonly note: string | null; readonly windowStart: number | null; readonly at: number };
}

export interface QualityIssueNote {
  readonly noteId: string;
  readonly author: string;
  readonly note: string;
  readonly at: number;
}

/** A redrive of a pipeline's quarantine, as its events tell it. */
export interface QuarantineRedriveEntry {
  readonly pipelineId: string;
  readonly redriveId: string;
  readonly pipelineVersion: number;
  readonly ranges: readonly { readonly partition: number; readonly startOffset: number; readonly endOffset: number }[];
  readonly status: 'running' | 'completed';
  /** Records moved so far: to `.validated`, and back to `.quarantine`. */
  readonly validated: number;
  readonly requarantined: number;
  readonly requestedBy: string;
  readonly startedAt: number;
  readonly completedAt?: number;
}

export interface QualityViewOptions extends ViewOptions {
  /** Closed windows kept per pipeline and window size, newest first forgotten last. Default 10,080 (a week of minutes). */
  readonly maxWindows?: number;
  /** Issues kept per pipeline (resolved ones are forgotten first). Default 1,000. */
  readonly maxIssues?: number;
}

/** The quality of every pipeline, read from `<prefix>.quality.events`. */
export interface QualityView {
  start(): Promise<void>;
  readonly caughtUp: boolean;
  /** Closed windows of one size (default one minute) overlapping [from, to), oldest first. */
  windows(pipelineId: string, range?: { from?: number; to?: number; windowMs?: number }): QualityWindowEntry[];
  /** Issues of a pipeline, newest first; `status` filters. */
  issues(pipelineId: string, status?: 'open' | 'resolved'): QualityIssueEntry[];
  issue(pipelineId: string, issueId: string): QualityIssueEntry | undefined;
  /** Redrives of a pipeline's quarantine, newest first. */
  redrives(pipelineId: string): QuarantineRedriveEntry[];
  redrive(pipelineId: string, redriveId: string): QuarantineRedriveEntry | undefined;
  close(): Promise<void>;
}
