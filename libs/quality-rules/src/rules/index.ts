// The door of the rules capability: planners that check one rule against the fields and build its test.
import type { RecordRuleDefinition } from '../types.js';
import { planExpression } from './expression.js';
import type { PlanContext, RulePlan } from './plan.js';
import { planRegex } from './regex.js';
import { planCompare, planFreshness, planUnique } from './relation-rules.js';
import { planInRange, planInSet, planLength, planNotNull, planReference, planType } from './value-rules.js';

export type { PlanContext, RecordTest, Report, RulePlan } from './plan.js';
export { planWindowRule } from './window-rules.js';

/** Checks one per-record rule; returns its plan, or undefined after reporting why it cannot run. */
export function planRecordRule(rule: RecordRuleDefinition, ctx: PlanContext): RulePlan | undefined {
  switch (rule.type) {
    case 'not_null':
      return planNotNull(rule, ctx);
    case 'in_range':
      return planInRange(rule, ctx);
    case 'in_set':
      return planInSet(rule, ctx);
    case 'regex':
      return planRegex(rule, ctx);
    case 'length':
      return planLength(rule, ctx);
    case 'type':
      return planType(rule, ctx);
    case 'unique':
      return planUnique(rule, ctx);
    case 'compare':
      return planCompare(rule, ctx);
    case 'expression':
      return planExpression(rule, ctx);
    case 'reference':
      return planReference(rule, ctx);
    case 'freshness':
      return planFreshness(rule, ctx);
  }
}
