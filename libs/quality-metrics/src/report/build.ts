import type { QualityIssue } from '../issues/types.js';
import { qualityTrend } from '../trend/trend.js';
import type { QualityWindowMetrics } from '../types.js';
import { resolveReportRange } from './options.js';
import type { QualityReport, QualityReportField, QualityReportInput, QualityReportRule, QualityReportSummary } from './types.js';

/**
 * Summarises closed windows and issues of one pipeline over [from, to). Deterministic: every time
 * in it comes from the input, so a report can be rebuilt and compared.
 */
export function buildQualityReport(input: QualityReportInput): QualityReport {
  const { pipelineId, from, to, topRules } = resolveReportRange(input);
  const windows = input.windows
    .filter((w) => w.pipelineId === pipelineId && w.windowStart >= from && w.windowEnd <= to)
    .sort((a, b) => a.windowStart - b.windowStart || a.windowEnd - b.windowEnd);
  const trend = qualityTrend(windows, input.trend);
  const byOpening = (a: QualityIssue, b: QualityIssue) => a.openedWindowStart - b.openedWindowStart || (a.id < b.id ? -1 : 1);
  const issues = input.issues.filter((i) => i.pipelineId === pipelineId);
  return {
    pipelineId,
    from,
    to,
    summary: summarise(windows),
    trend: { slopePerHour: trend.slopePerHour, direction: trend.direction, min: trend.min, max: trend.max, mean: trend.mean },
    fields: fieldsOf(windows),
    topFailingRules: rulesOf(windows).slice(0, topRules),
    issues: {
      open: issues
        .filter((i) => i.openedWindowStart < to && (i.status === 'open' || (i.resolvedWindowEnd ?? Infinity) > to))
        .sort(byOpening),
      resolved: issues
        .filter((i) => i.status === 'resolved' && i.resolvedWindowEnd !== undefined && i.resolvedWindowEnd > from && i.resolvedWindowEnd <= to)
        .sort(byOpening),
    },
  };
}

function summarise(windows: readonly QualityWindowMetrics[]): QualityReportSummary {
  const sum = (f: (w: QualityWindowMetrics) => number) => windows.reduce((total, w) => total + f(w), 0);
  const records = sum((w) => w.counts.records);
  const quarantined = sum((w) => w.counts.quarantined);
  const keyed = sum((w) => w.uniqueness?.keyed ?? 0);
  const fresh = windows.filter((w) => w.freshness !== null);
  const measured = fresh.reduce((total, w) => total + (w.freshness?.measured ?? 0), 0);
  const scored = windows.filter((w) => w.score !== null);
  const scoredRecords = scored.reduce((total, w) => total + w.counts.records, 0);
  const scoredFields = fieldsOf(windows).filter((f) => f.scored);
  return {
    windows: windows.length,
    emptyWindows: windows.filter((w) => w.counts.records === 0).length,
    records,
    passed: sum((w) => w.counts.passed),
    warned: sum((w) => w.counts.warned),
    quarantined,
    late: sum((w) => w.counts.late),
    future: sum((w) => w.counts.future),
    validity: records === 0 ? null : (records - quarantined) / records,
    completeness: scoredFields.length === 0 ? null : scoredFields.reduce((total, f) => total + f.completeness, 0) / scoredFields.length,
    uniqueness: keyed === 0 ? null : sum((w) => w.uniqueness?.distinct ?? 0) / keyed,
    freshness: measured === 0 ? null : fresh.reduce((total, w) => total + (w.freshness?.withinSla ?? 0), 0) / measured,
    maxLagMs: fresh.length === 0 ? null : fresh.reduce((max, w) => Math.max(max, w.freshness?.maxLagMs ?? 0), 0),
    score:
      scoredRecords === 0 ? null : Math.round((100 * scored.reduce((total, w) => total + (w.score ?? 0) * w.counts.records, 0)) / scoredRecords) / 100,
  };
}

/** Per-field totals. A window that does not list a field never saw it: 0 non-null, 0 failed there. */
function fieldsOf(windows: readonly QualityWindowMetrics[]): QualityReportField[] {
  const records = windows.reduce((total, w) => total + w.counts.records, 0);
  const totals = new Map<string, { nonNull: number; failed: number; scored: boolean }>();
  for (const w of windows) {
    for (const f of w.fields) {
      const t = totals.get(f.field) ?? { nonNull: 0, failed: 0, scored: false };
      t.nonNull += f.nonNull;
      t.failed += f.failed;
      t.scored ||= f.scored;
      totals.set(f.field, t);
    }
  }
  return [...totals.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([field, t]) => ({
      field,
      nonNull: t.nonNull,
      completeness: records === 0 ? 0 : t.nonNull / records,
      failed: t.failed,
      validity: records === 0 ? 1 : (records - t.failed) / records,
      scored: t.scored,
    }));
}

function rulesOf(windows: readonly QualityWindowMetrics[]): QualityReportRule[] {
  const records = windows.reduce((total, w) => total + w.counts.records, 0);
  const totals = new Map<string, { first: QualityWindowMetrics['rules'][number]; records: number; failures: number }>();
  for (const w of windows) {
    for (const rule of w.rules) {
      const t = totals.get(rule.ruleId) ?? { first: rule, records: 0, failures: 0 };
      t.records += rule.records;
      t.failures += rule.failures;
      totals.set(rule.ruleId, t);
    }
  }
  return [...totals.entries()]
    .map(([ruleId, t]) => ({
      ruleId,
      ruleType: t.first.ruleType,
      severity: t.first.severity,
      ...(t.first.field !== undefined ? { field: t.first.field } : {}),
      records: t.records,
      failures: t.failures,
      failureRate: records === 0 ? 0 : t.records / records,
    }))
    .sort((a, b) => b.records - a.records || b.failures - a.failures || (a.ruleId < b.ruleId ? -1 : 1));
}
