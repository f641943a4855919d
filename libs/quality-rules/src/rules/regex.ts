import { compilePattern } from '../patterns/index.js';
import type { RegexRule } from '../types.js';
import { type PlanContext, type RulePlan, declared, valueOf, wrongKind } from './plan.js';

/** `regex`: the pattern is searched in the value (RE2 semantics, linear time; see patterns/). */
export function planRegex(rule: RegexRule, ctx: PlanContext): RulePlan | undefined {
  const decl = declared(rule.field, ['field'], ctx);
  const { field } = rule;
  if (decl && decl.type !== 'string') ctx.report(['field'], `regex needs a string field, but ${field} is ${decl.type}`);
  const outcome = compilePattern(rule.pattern, ctx.limits);
  if (!outcome.ok) ctx.report(['pattern'], outcome.message);
  if (decl?.type !== 'string' || !outcome.ok) return undefined;
  const { pattern } = outcome;
  // The native RegExp is called directly when there is one: this is the hot loop.
  const { native } = pattern;
  const matches = (v: unknown): boolean => {
    if (typeof v !== 'string') throw wrongKind(field, v, 'a string');
    return pattern.test(v);
  };
  return {
    reads: [field],
    field,
    message: `${field} must match ${rule.pattern}`,
    engine: pattern.engine,
    offending: valueOf(field),
    test: (record) => {
      const v = record[field];
      if (v === null || v === undefined) return true;
      return native !== undefined && typeof v === 'string' ? native.test(v) : matches(v);
    },
  };
}
