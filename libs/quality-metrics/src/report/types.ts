import type { QualityIssue } from '../issues/types.js';
import type { QualityTrendOptions } from '../trend/options.js';
import type { QualityReportOptions } from './options.js';
import type { QualityTrendDirection } from '../trend/trend.js';
import type { QualityWindowMetrics } from '../types.js';

export interface QualityReportInput extends Partial<QualityReportOptions> {
  readonly pipelineId: string;
  /** Epoch ms, inclusive: windows starting at or after it are reported. */
  readonly from: number;
  /** Epoch ms, exclusive: windows ending at or before it are reported. */
  readonly to: number;
  /** Closed windows (others' pipelines and windows outside the range are left out). */
  readonly windows: readonly QualityWindowMetrics[];
  /** The latest state of each issue (open or resolved), e.g. from the issue events' read model. */
  readonly issues: readonly QualityIssue[];
  readonly trend?: Partial<QualityTrendOptions>;
}

export interface QualityReportSummary {
  readonly windows: number;
  /** Windows without records: a silent pipeline shows here. */
  readonly emptyWindows: number;
  readonly records: number;
  readonly passed: number;
  readonly warned: number;
  readonly quarantined: number;
  /** Records of late deltas (counted in no other metric). */
  readonly late: number;
  /** Records of deltas stamped too far in the future (counted in no other metric). */
  readonly future: number;
  /** (records − quarantined) / records over the range. */
  readonly validity: number | null;
  /** Mean over scored fields of their completeness over the range. */
  readonly completeness: number | null;
  /**
   * Σ distinct / Σ keyed over the windows: the share of keyed records that no unique rule called a
   * duplicate (a duplicate is what the rule says, within its own window, not the report's range).
   */
  readonly uniqueness: number | null;
  /** Records within the freshness SLA / records with a value in the freshness field. */
  readonly freshness: number | null;
  readonly maxLagMs: number | null;
  /** Mean of the window scores weighted by their records. */
  readonly score: number | null;
}

export interface QualityReportTrend {
  readonly slopePerHour: number | null;
  readonly direction: QualityTrendDirection;
  readonly min: number | null;
  readonly max: number | null;
  /** Unweighted mean of the window scores. */
  readonly mean: number | null;
}

export interface QualityReportField {
  readonly field: string;
  readonly nonNull: number;
  /** nonNull / records of the range. */
  readonly completeness: number;
  readonly failed: number;
  /** (records − failed) / records of the range. */
  readonly validity: number;
  readonly scored: boolean;
}

export interface QualityReportRule {
  readonly ruleId: string;
  readonly ruleType: string;
  readonly severity: 'error' | 'warn';
  readonly field?: string;
  /** Records that failed the rule. */
  readonly records: number;
  readonly failures: number;
  /** records / records of the range. */
  readonly failureRate: number;
}

/** A pipeline's data quality over a range of time. Plain JSON; the same input gives the same report. */
export interface QualityReport {
  readonly pipelineId: string;
  readonly from: number;
  readonly to: number;
  readonly summary: QualityReportSummary;
  readonly trend: QualityReportTrend;
  /** Sorted by field name. */
  readonly fields: readonly QualityReportField[];
  /** By failing records, most first. */
  readonly topFailingRules: readonly QualityReportRule[];
  readonly issues: {
    /** Open at `to` (opened before it, not resolved by it). */
    readonly open: readonly QualityIssue[];
    /** Resolved within the range. */
    readonly resolved: readonly QualityIssue[];
  };
}
