import { compareText } from '../deltas/canonical.js';
import { lagQuantile } from '../deltas/lag-buckets.js';
import type { FieldDeltaCounts, QualityWindowDelta } from '../deltas/types.js';
import type {
  FieldQualityMetrics,
  FreshnessMetrics,
  QualityWindowMetrics,
  RuleFailureMetrics,
  UniquenessMetrics,
  WindowCloseReason,
} from '../types.js';
import { type QualityMetricsTuning, type ResolvedMetricsOptions, resolveMetricsOptions } from './options.js';
import { qualityScore } from './score.js';

/** How a window was closed, known to whoever closed it (the reducer). */
export interface WindowClosing {
  /** Default `close`. */
  readonly closedBy?: WindowCloseReason;
  /** Records of late deltas to report in this window. Default 0. */
  readonly late?: number;
  /** Records of future deltas to report in this window. Default 0. */
  readonly future?: number;
}

export interface QualityWindowMetricsOptions extends Partial<QualityMetricsTuning>, WindowClosing {}

/**
 * The metrics of a window from the sum of its deltas (mergeWindowDeltas). Deterministic: the same
 * delta and options give the same metrics. The delta is trusted to be one this library wrote, or
 * checked by parseWindowDelta.
 */
export function windowMetrics(delta: QualityWindowDelta, options: QualityWindowMetricsOptions = {}): QualityWindowMetrics {
  const { closedBy, late, future, ...tuning } = options;
  return metricsOf(delta, resolveMetricsOptions(tuning), { closedBy, late, future });
}

export function metricsOf(delta: QualityWindowDelta, options: ResolvedMetricsOptions, closing: WindowClosing): QualityWindowMetrics {
  const { records } = delta;
  const { fields, fieldsTruncated } = reportedFields(delta.fields, options);
  const declared = options.fields;
  const seen = new Set(delta.fields.map((f) => f.field));
  // Declared non-nullable fields make up completeness; without a declaration, every field seen does
  // (a tracked field never seen is listed, as completeness 0, but does not judge an undeclared schema).
  const scoredNames = new Set(declared.length > 0 ? declared.filter((f) => f.nullable !== true).map((f) => f.name) : seen);
  const fieldMetrics: FieldQualityMetrics[] = fields.map((f) => ({
    field: f.field,
    nonNull: f.nonNull,
    completeness: records === 0 ? 0 : f.nonNull / records,
    failed: f.failed,
    warned: f.warned,
    validity: records === 0 ? 1 : (records - f.failed) / records,
    scored: scoredNames.has(f.field),
  }));
  const scored = fieldMetrics.filter((f) => f.scored);
  const completeness = records === 0 || scored.length === 0 ? null : scored.reduce((sum, f) => sum + f.completeness, 0) / scored.length;
  const validity = records === 0 ? null : (records - delta.quarantined) / records;
  const uniqueness = uniquenessOf(delta);
  const freshness = freshnessOf(delta);
  const rules: RuleFailureMetrics[] = delta.rules.map((r) => ({
    ruleId: r.ruleId,
    ruleType: r.ruleType,
    severity: r.severity,
    ...(r.field !== null ? { field: r.field } : {}),
    failures: r.failures,
    records: r.records,
    failureRate: records === 0 ? 0 : r.records / records,
    samples: r.samples.map((recordId) => ({ ruleId: r.ruleId, recordId })),
  }));
  return {
    pipelineId: delta.pipelineId,
    windowStart: delta.windowStart,
    windowEnd: delta.windowEnd,
    closedBy: closing.closedBy ?? 'close',
    counts: {
      records,
      passed: delta.passed,
      warned: delta.warned,
      quarantined: delta.quarantined,
      late: closing.late ?? 0,
      future: closing.future ?? 0,
    },
    completeness,
    validity,
    uniqueness,
    freshness,
    fields: fieldMetrics,
    fieldsTruncated,
    rules,
    score: qualityScore(
      { validity, completeness, uniqueness: uniqueness?.ratio ?? null, freshness: freshness?.ratio ?? null },
      options.scoreWeights,
    ),
  };
}

/** A window without records: what the reducer reports for the gap between two windows with data. */
export function emptyDelta(pipelineId: string, windowStart: number, windowEnd: number): QualityWindowDelta {
  return { pipelineId, windowStart, windowEnd, records: 0, passed: 0, warned: 0, quarantined: 0, fields: [], rules: [], uniqueness: null, freshness: null };
}

/** Tracked fields always (0 when never seen), the others up to maxFields in name order. */
function reportedFields(counts: readonly FieldDeltaCounts[], options: ResolvedMetricsOptions): { fields: FieldDeltaCounts[]; fieldsTruncated: boolean } {
  const byName = new Map(counts.map((f) => [f.field, f]));
  for (const name of options.tracked) if (!byName.has(name)) byName.set(name, { field: name, nonNull: 0, failed: 0, warned: 0 });
  const sorted = [...byName.values()].sort((a, b) => compareText(a.field, b.field));
  let others = 0;
  const fields = sorted.filter((f) => options.tracked.has(f.field) || ++others <= options.maxFields);
  return { fields, fieldsTruncated: others > options.maxFields };
}

function uniquenessOf(delta: QualityWindowDelta): UniquenessMetrics | null {
  if (delta.uniqueness === null || delta.uniqueness.keyed === 0) return null;
  const { keyed, duplicates } = delta.uniqueness;
  const distinct = keyed - duplicates;
  return { keyed, duplicates, distinct, ratio: distinct / keyed, approximate: false };
}

function freshnessOf(delta: QualityWindowDelta): FreshnessMetrics | null {
  const f = delta.freshness;
  if (f === null) return null;
  const measured = f.lagBuckets.reduce((sum, n) => sum + n, 0);
  if (measured === 0) return null;
  return {
    field: f.field,
    slaMs: f.slaMs,
    measured,
    withinSla: f.withinSla,
    ratio: f.withinSla / measured,
    p50LagMs: lagQuantile(f.lagBuckets, 0.5, f.lagMaxMs) as number,
    p95LagMs: lagQuantile(f.lagBuckets, 0.95, f.lagMaxMs) as number,
    maxLagMs: f.lagMaxMs,
    meanLagMs: f.lagSumMs / measured,
  };
}
