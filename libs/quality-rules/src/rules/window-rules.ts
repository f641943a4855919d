import type { CompletenessRule, RecordRuleInfo, Severity, ValidityRule, VolumeRule, WindowExpectation, WindowRuleDefinition } from '../types.js';
import { type PlanContext, declared } from './plan.js';
import { duration } from './relation-rules.js';

/**
 * Window expectations are declared with the per-record rules but judged on a whole window of
 * records by @tributary/quality-metrics. Here they are only checked and handed over, typed, with
 * their window in ms and (for validity) the per-record rules whose failures make a record invalid.
 */
export function planWindowRule(
  rule: WindowRuleDefinition,
  severity: Severity,
  recordRules: readonly RecordRuleInfo[],
  ctx: PlanContext,
): WindowExpectation | undefined {
  const windowMs = duration(rule.window, ['window'], ctx, false);
  const base = { id: rule.id, severity, window: rule.window };
  switch (rule.type) {
    case 'volume':
      return volume(rule, ctx, windowMs, base);
    case 'completeness':
      return completeness(rule, ctx, windowMs, base);
    case 'validity':
      return validity(rule, ctx, windowMs, base, recordRules);
  }
}

type Base = { id: string; severity: Severity; window: string };

function volume(rule: VolumeRule, ctx: PlanContext, windowMs: number | undefined, base: Base): WindowExpectation | undefined {
  const { min, max, window } = rule;
  if (min !== undefined && max !== undefined && min > max) ctx.report(['min'], `min (${min}) is greater than max (${max})`);
  if (windowMs === undefined || (min !== undefined && max !== undefined && min > max)) return undefined;
  const range =
    min !== undefined && max !== undefined ? `between ${min} and ${max}` : min !== undefined ? `at least ${min}` : `at most ${max}`;
  return {
    ...base,
    type: 'volume',
    windowMs,
    message: rule.message ?? `${range} record${(max ?? min) === 1 ? '' : 's'} per ${window}`,
    ...(min === undefined ? {} : { min }),
    ...(max === undefined ? {} : { max }),
  };
}

function completeness(rule: CompletenessRule, ctx: PlanContext, windowMs: number | undefined, base: Base): WindowExpectation | undefined {
  const known = declared(rule.field, ['field'], ctx);
  if (!known || windowMs === undefined) return undefined;
  return {
    ...base,
    type: 'completeness',
    windowMs,
    field: rule.field,
    min: rule.min,
    message: rule.message ?? `${rule.field} must be present in at least ${percent(rule.min)} of records per ${rule.window}`,
  };
}

function validity(
  rule: ValidityRule,
  ctx: PlanContext,
  windowMs: number | undefined,
  base: Base,
  recordRules: readonly RecordRuleInfo[],
): WindowExpectation | undefined {
  const { field } = rule;
  if (field !== undefined && !declared(field, ['field'], ctx)) return undefined;
  const ruleIds = recordRules.filter((r) => field === undefined || r.fields.includes(field)).map((r) => r.id);
  if (ruleIds.length === 0) {
    ctx.report(field === undefined ? [] : ['field'], field === undefined ? 'there are no per-record rules to measure validity by' : `no per-record rule reads ${field}`);
    return undefined;
  }
  if (windowMs === undefined) return undefined;
  const which = field === undefined ? 'every rule' : `every rule on ${field}`;
  return {
    ...base,
    type: 'validity',
    windowMs,
    min: rule.min,
    ruleIds,
    ...(field === undefined ? {} : { field }),
    message: rule.message ?? `at least ${percent(rule.min)} of records per ${rule.window} must pass ${which}`,
  };
}

const percent = (share: number): string => `${Number((share * 100).toFixed(4))}%`;
