import { QualityMetricsError } from '../errors.js';
import { compareText, limitFields, mergeSamples, resolveRuleAttributes } from './canonical.js';
import { addLagBuckets } from './lag-buckets.js';
import { type QualityDeltaLimits, type ResolvedDeltaLimits, resolveDeltaLimits } from './options.js';
import type { FieldDeltaCounts, FreshnessDeltaCounts, QualityWindowDelta, RuleDeltaCounts, UniquenessDeltaCounts } from './types.js';

const DEFAULT_LIMITS = resolveDeltaLimits();

/**
 * The sum of two deltas of the same pipeline and window: counts added, fields and rules merged by
 * name, samples the smallest distinct ids of both, lag buckets added element-wise, lagMax the max.
 * Commutative and associative (every selection depends on the union only), so the deltas of a window
 * can be merged in any order and grouping, with the same result. Pure: neither input is modified.
 *
 * Throws QualityMetricsError (TRIB_QUALITY_DELTA_INVALID) for deltas of different windows, or whose
 * freshness rules disagree (another field or SLA: their lags cannot be added).
 */
export function mergeWindowDeltas(a: QualityWindowDelta, b: QualityWindowDelta, limits?: Partial<QualityDeltaLimits>): QualityWindowDelta {
  return mergeDeltas(a, b, limits === undefined ? DEFAULT_LIMITS : resolveDeltaLimits(limits));
}

export function mergeDeltas(a: QualityWindowDelta, b: QualityWindowDelta, limits: ResolvedDeltaLimits): QualityWindowDelta {
  if (a.pipelineId !== b.pipelineId || a.windowStart !== b.windowStart || a.windowEnd !== b.windowEnd) {
    throw conflict(
      'window',
      `cannot merge deltas of different windows: ${a.pipelineId} [${a.windowStart}, ${a.windowEnd}) and ${b.pipelineId} [${b.windowStart}, ${b.windowEnd})`,
    );
  }
  return {
    pipelineId: a.pipelineId,
    windowStart: a.windowStart,
    windowEnd: a.windowEnd,
    records: a.records + b.records,
    passed: a.passed + b.passed,
    warned: a.warned + b.warned,
    quarantined: a.quarantined + b.quarantined,
    fields: mergeFields(a.fields, b.fields, limits),
    rules: mergeRules(a.rules, b.rules, limits.maxSamplesPerRule),
    uniqueness: mergeUniqueness(a.uniqueness, b.uniqueness),
    freshness: mergeFreshness(a.freshness, b.freshness),
  };
}

function mergeFields(a: readonly FieldDeltaCounts[], b: readonly FieldDeltaCounts[], limits: ResolvedDeltaLimits): FieldDeltaCounts[] {
  const byName = new Map<string, FieldDeltaCounts>();
  for (const f of [...a, ...b]) {
    const seen = byName.get(f.field);
    byName.set(
      f.field,
      seen ? { field: f.field, nonNull: seen.nonNull + f.nonNull, failed: seen.failed + f.failed, warned: seen.warned + f.warned } : { ...f },
    );
  }
  return limitFields([...byName.values()].sort((x, y) => compareText(x.field, y.field)), limits);
}

function mergeRules(a: readonly RuleDeltaCounts[], b: readonly RuleDeltaCounts[], maxSamples: number): RuleDeltaCounts[] {
  const byId = new Map<string, RuleDeltaCounts>();
  for (const r of [...a, ...b]) {
    const seen = byId.get(r.ruleId);
    byId.set(
      r.ruleId,
      seen
        ? {
            ruleId: r.ruleId,
            ...resolveRuleAttributes(seen, r),
            failures: seen.failures + r.failures,
            records: seen.records + r.records,
            samples: mergeSamples(seen.samples, r.samples, maxSamples),
          }
        : { ...r, samples: mergeSamples(r.samples, [], maxSamples) },
    );
  }
  return [...byId.values()].sort((x, y) => compareText(x.ruleId, y.ruleId));
}

/** A unique rule added within a window: the records before it were not checked, and count as such. */
function mergeUniqueness(a: UniquenessDeltaCounts | null, b: UniquenessDeltaCounts | null): UniquenessDeltaCounts | null {
  if (a === null) return b === null ? null : { ...b };
  if (b === null) return { ...a };
  return { keyed: a.keyed + b.keyed, duplicates: a.duplicates + b.duplicates };
}

function mergeFreshness(a: FreshnessDeltaCounts | null, b: FreshnessDeltaCounts | null): FreshnessDeltaCounts | null {
  if (a === null) return b === null ? null : { ...b, lagBuckets: [...b.lagBuckets] };
  if (b === null) return { ...a, lagBuckets: [...a.lagBuckets] };
  if (a.field !== b.field || a.slaMs !== b.slaMs) {
    throw conflict(
      'freshness',
      `cannot merge deltas measuring freshness differently: ${a.field} within ${a.slaMs} ms and ${b.field} within ${b.slaMs} ms`,
    );
  }
  return {
    field: a.field,
    slaMs: a.slaMs,
    withinSla: a.withinSla + b.withinSla,
    lagSumMs: a.lagSumMs + b.lagSumMs,
    lagMaxMs: Math.max(a.lagMaxMs, b.lagMaxMs),
    lagBuckets: addLagBuckets(a.lagBuckets, b.lagBuckets),
  };
}

function conflict(path: string, message: string): QualityMetricsError {
  return new QualityMetricsError('TRIB_QUALITY_DELTA_INVALID', message, [{ path, message }]);
}
