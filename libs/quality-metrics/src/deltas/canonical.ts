import type { FieldDeltaCounts, RuleDeltaCounts } from './types.js';
import type { ResolvedDeltaLimits } from './options.js';

/**
 * The choices that make window deltas add up to the same result whatever the partitions,
 * transactions and merge order: every selection (fields past the limit, samples, a rule's
 * attributes) is a function of the union of what was seen, never of the order it was seen in.
 */

/** UTF-16 code-unit order, the same in every process (no locale). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The smallest `max` distinct ids of both lists, sorted. */
export function mergeSamples(a: readonly string[], b: readonly string[], max: number): string[] {
  return [...new Set([...a, ...b])].sort(compareText).slice(0, max);
}

/** Inserts an id into a sorted list of at most `max` distinct ids, keeping the smallest. */
export function addSample(samples: string[], id: string, max: number): void {
  if (samples.length >= max && (max === 0 || compareText(id, samples[samples.length - 1] as string) >= 0)) return;
  let at = 0;
  while (at < samples.length && compareText(samples[at] as string, id) < 0) at++;
  if (samples[at] === id) return;
  samples.splice(at, 0, id);
  if (samples.length > max) samples.pop();
}

type RuleAttributes = Pick<RuleDeltaCounts, 'ruleType' | 'severity' | 'field'>;

/**
 * One rule id reported with different attributes (its definition changed within a window): keep
 * the larger of each (`error` over `warn`, a field over none), so the result does not depend on
 * which delta came first.
 */
export function resolveRuleAttributes(a: RuleAttributes, b: RuleAttributes): RuleAttributes {
  return {
    ruleType: compareText(a.ruleType, b.ruleType) >= 0 ? a.ruleType : b.ruleType,
    severity: a.severity === 'error' || b.severity === 'error' ? 'error' : 'warn',
    field: a.field === null ? b.field : b.field === null ? a.field : compareText(a.field, b.field) >= 0 ? a.field : b.field,
  };
}

/**
 * Fields sorted by name, tracked ones all kept, others cut to the smallest `maxFields + 1` names:
 * the extra one tells windowMetrics that the limit was passed.
 */
export function limitFields<F extends FieldDeltaCounts>(sorted: readonly F[], limits: ResolvedDeltaLimits): F[] {
  let others = 0;
  return sorted.filter((f) => limits.tracked.has(f.field) || ++others <= limits.maxFields + 1);
}
