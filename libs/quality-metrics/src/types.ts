/** A declared field, structurally a FieldDeclaration of @tributary/pipelines. */
export interface DeclaredField {
  readonly name: string;
  /** Null is a legitimate value: the field is tracked but not counted in the score's completeness. */
  readonly nullable?: boolean;
}

/** A failing record kept as evidence: a few per rule per window (bounded), by id. */
export interface FailingRecordSample {
  readonly ruleId: string;
  /** The id of a record that failed the rule in that window (look it up in `.quarantine` or `.validated`). */
  readonly recordId: string;
}

/** Record counts of one window. passed + warned + quarantined = records. */
export interface WindowCounts {
  readonly records: number;
  /** Not quarantined and no failure at all. */
  readonly passed: number;
  /** Not quarantined but with at least one (warn) failure. */
  readonly warned: number;
  readonly quarantined: number;
  /**
   * Records of deltas that reached the reducer after their window had closed: counted in the next
   * window of the pipeline and size to close, in no other metric.
   */
  readonly late: number;
  /**
   * Records of deltas whose window starts more than `futureTolerance` after the delta was written
   * (a producer clock ahead): counted here, in no other metric, so they cannot close windows early.
   */
  readonly future: number;
}

/** Completeness and validity of one field in one window. */
export interface FieldQualityMetrics {
  readonly field: string;
  /** Records whose value for the field is neither null nor absent. */
  readonly nonNull: number;
  /** nonNull / records. */
  readonly completeness: number;
  /** Records with at least one `error` failure on the field. */
  readonly failed: number;
  /** Records with at least one `warn` failure on the field. */
  readonly warned: number;
  /** (records − failed) / records. */
  readonly validity: number;
  /** Counted in the window's completeness (and so its score): a declared, non-nullable field. */
  readonly scored: boolean;
}

/** Failures of one per-record rule in one window. */
export interface RuleFailureMetrics {
  readonly ruleId: string;
  readonly ruleType: string;
  readonly severity: 'error' | 'warn';
  readonly field?: string;
  /** Failures reported (a record may fail the same rule more than once, e.g. on several values). */
  readonly failures: number;
  /** Records that failed the rule at least once. */
  readonly records: number;
  /** records / window records. */
  readonly failureRate: number;
  /** Up to maxSamplesPerRule failing records: the smallest ids. */
  readonly samples: readonly FailingRecordSample[];
}

/** What the pipeline's `unique` rules found: duplicates as the rules define them (key and rule window). */
export interface UniquenessMetrics {
  /** Records checked by a unique rule (key present). */
  readonly keyed: number;
  /** Records that failed a unique rule. */
  readonly duplicates: number;
  /** keyed − duplicates. */
  readonly distinct: number;
  /** distinct / keyed. */
  readonly ratio: number;
  /** Always false: duplicates are counted by the rules, exactly (kept for readers of the earlier shape). */
  readonly approximate: false;
}

export interface FreshnessMetrics {
  /** The freshness rule's event-time field. */
  readonly field: string;
  /** The freshness SLA (the rule's maxAge): a record is fresh when evaluated at most this long after its event time. */
  readonly slaMs: number;
  /** Records with a numeric value in the field: the others have no lag and are not counted here. */
  readonly measured: number;
  readonly withinSla: number;
  /** withinSla / measured. */
  readonly ratio: number;
  /** Lag quantiles from the fixed log buckets: never below the true value, < 10% above it, never above max. */
  readonly p50LagMs: number;
  readonly p95LagMs: number;
  readonly maxLagMs: number;
  readonly meanLagMs: number;
}

/**
 * Why a window was closed: `watermark` (the deltas reached allowedLateness past its end), `idle`
 * (no delta for it for idleTimeout, after its end plus allowedLateness), `capacity` (too many open
 * windows), `close` (closeAll).
 */
export type WindowCloseReason = 'watermark' | 'idle' | 'capacity' | 'close';

/** The data quality of one pipeline over one tumbling window of evaluation (arrival) time. Plain JSON. */
export interface QualityWindowMetrics {
  readonly pipelineId: string;
  /** Epoch ms, inclusive; a multiple of the window size. */
  readonly windowStart: number;
  /** Epoch ms, exclusive. */
  readonly windowEnd: number;
  readonly closedBy: WindowCloseReason;
  readonly counts: WindowCounts;
  /** Mean completeness of the scored fields; null with no records or no scored field. */
  readonly completeness: number | null;
  /** (records − quarantined) / records; null with no records. */
  readonly validity: number | null;
  /** Null when the rule set has no unique rule, or no record had a key. */
  readonly uniqueness: UniquenessMetrics | null;
  /** Null when the rule set has no freshness rule, or no record had a value in its field. */
  readonly freshness: FreshnessMetrics | null;
  /** Sorted by field name. */
  readonly fields: readonly FieldQualityMetrics[];
  /** More fields than maxFields appeared: the fields past it (in name order) are missing from `fields`. */
  readonly fieldsTruncated: boolean;
  /** Rules that failed at least once, sorted by rule id. */
  readonly rules: readonly RuleFailureMetrics[];
  /** Quality score 0..100 (see qualityScore); null with no records. */
  readonly score: number | null;
}
