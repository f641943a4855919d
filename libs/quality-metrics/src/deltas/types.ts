import type { DataRecord } from '@tributary/pipelines';

/** One failed per-record rule, as the rule engine reports it (structurally its RuleFailure). */
export interface RuleFailure {
  readonly ruleId: string;
  readonly ruleType: string;
  /** `error` sends the record to quarantine; `warn` lets it through and is only counted. */
  readonly severity: 'error' | 'warn';
  /** The field the rule checks, when it checks one (`a,b` for a unique key of several fields). */
  readonly field?: string;
}

/**
 * A `.processed` record after the per-record rules ran on it: what the quality manager feeds a
 * QualityDeltaAccumulator. Declared here (not imported from the rules engine) so this library
 * depends on the shape only.
 */
export interface EvaluatedRecord {
  /** The flat record. */
  readonly record: DataRecord;
  /** The record's id: kept (a few per rule and window) as evidence of failures. */
  readonly recordId: string;
  /**
   * Evaluation time, epoch ms: the broker timestamp of the `.processed` message (its arrival), the
   * same on a replay. It places the record in a window and is what freshness lags are measured from.
   */
  readonly now: number;
  readonly failures: readonly RuleFailure[];
  /** Some failure had severity `error`: the record went to `.quarantine`. */
  readonly quarantined: boolean;
}

/** Counts of one field in a window delta. */
export interface FieldDeltaCounts {
  readonly field: string;
  /** Records whose value for the field is neither null nor absent. */
  readonly nonNull: number;
  /** Records with at least one `error` failure on the field. */
  readonly failed: number;
  /** Records with at least one `warn` failure on the field. */
  readonly warned: number;
}

/** Failures of one rule in a window delta. */
export interface RuleDeltaCounts {
  readonly ruleId: string;
  readonly ruleType: string;
  readonly severity: 'error' | 'warn';
  readonly field: string | null;
  /** Failures reported (a record may fail a rule more than once, e.g. on several values). */
  readonly failures: number;
  /** Records that failed the rule at least once. */
  readonly records: number;
  /**
   * Ids of up to `maxSamplesPerRule` failing records: the smallest distinct ids in string order, so
   * that the samples of a window are the same whatever the partitions, transactions and merge order
   * (with time-ordered ids, such as ULIDs or offsets padded, the smallest are the first seen).
   */
  readonly samples: readonly string[];
}

/** What the pipeline's `unique` rule(s) saw. */
export interface UniquenessDeltaCounts {
  /** Records checked by a unique rule: the key of at least one unique rule was present. */
  readonly keyed: number;
  /** Records that failed a unique rule. */
  readonly duplicates: number;
}

/** Lags of the freshness rule's field behind the evaluation time. */
export interface FreshnessDeltaCounts {
  /** The freshness rule's event-time field (epoch ms). */
  readonly field: string;
  /** The rule's maximum age. */
  readonly slaMs: number;
  /** Records whose lag was at most slaMs. */
  readonly withinSla: number;
  /** Sum of the lags, whole ms. */
  readonly lagSumMs: number;
  /** Largest lag, whole ms (0 when no record was measured). */
  readonly lagMaxMs: number;
  /**
   * Records per lag bucket, in the fixed layout LAG_BUCKET_UPPER_BOUNDS_MS; trailing zeros trimmed.
   * Their sum is the number of records measured (those with a numeric freshness field).
   */
  readonly lagBuckets: readonly number[];
}

/**
 * The additive quality counts of some records of one pipeline in one tumbling window of evaluation
 * (arrival) time: what one quality-manager transaction publishes per window it touched. The metrics
 * of a window are computed from the sum of its deltas (mergeWindowDeltas), so every member is a
 * count, a sum, a max or a bounded, mergeable selection. Plain JSON, one Avro record.
 */
export interface QualityWindowDelta {
  readonly pipelineId: string;
  /** Epoch ms, inclusive; a multiple of the window size. */
  readonly windowStart: number;
  /** Epoch ms, exclusive. */
  readonly windowEnd: number;
  readonly records: number;
  /** No failure at all. */
  readonly passed: number;
  /** Not quarantined, with at least one (warn) failure. */
  readonly warned: number;
  /** passed + warned + quarantined = records. */
  readonly quarantined: number;
  /**
   * Sorted by field. The tracked fields (declared and `trackFields`) whenever seen, plus the
   * smallest other names, at most `maxFields + 1` of them: one more than reported, so that
   * windowMetrics can tell that the limit was passed (fieldsTruncated).
   */
  readonly fields: readonly FieldDeltaCounts[];
  /** Rules that failed at least once, sorted by rule id. */
  readonly rules: readonly RuleDeltaCounts[];
  /** Null when the rule set has no unique rule. */
  readonly uniqueness: UniquenessDeltaCounts | null;
  /** Null when the rule set has no freshness rule. */
  readonly freshness: FreshnessDeltaCounts | null;
}
