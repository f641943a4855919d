import { type FieldDeclaration, type FieldType, type Scalar, typeMismatch } from '@tributary/pipelines';
import type { InRangeRule, InSetRule, LengthRule, NotNullRule, ReferenceRule, TypeRule } from '../types.js';
import { type PlanContext, type RulePlan, declared, describeValue, isNumeric, listed, valueOf, wrongKind } from './plan.js';

/*
 * Rules on one field's value. Every rule but not_null passes a null (or missing) value: nulls are
 * not_null's to catch, so "amount is required" and "amount must be at most 10000" are separate
 * verdicts, as in Great Expectations and SQL CHECK constraints.
 */

export function planNotNull(rule: NotNullRule, ctx: PlanContext): RulePlan | undefined {
  if (!declared(rule.field, ['field'], ctx)) return undefined;
  const { field } = rule;
  return single(field, `${field} is required`, (record) => record[field] != null);
}

export function planInRange(rule: InRangeRule, ctx: PlanContext): RulePlan | undefined {
  const decl = declared(rule.field, ['field'], ctx);
  const { field, min, max, exclusiveMin = false, exclusiveMax = false } = rule;
  if (decl && !isNumeric(decl.type)) ctx.report(['field'], `in_range needs a numeric field, but ${field} is ${decl.type}`);
  if (exclusiveMin && min === undefined) ctx.report(['exclusiveMin'], 'needs min');
  if (exclusiveMax && max === undefined) ctx.report(['exclusiveMax'], 'needs max');
  if (min !== undefined && max !== undefined) {
    if (min > max) ctx.report(['min'], `min (${min}) is greater than max (${max})`);
    else if (min === max && (exclusiveMin || exclusiveMax)) ctx.report(['min'], `the range is empty (min = max = ${min}, with an exclusive bound)`);
  }
  if (!decl || !isNumeric(decl.type)) return undefined;
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  // Written so that NaN fails: every comparison with NaN is false.
  return single(field, rangeMessage(rule), (record) => {
    const v = record[field];
    if (v === null || v === undefined) return true;
    if (typeof v !== 'number') throw wrongKind(field, v, 'a number');
    return (exclusiveMin ? v > lo : v >= lo) && (exclusiveMax ? v < hi : v <= hi);
  });
}

function rangeMessage({ field, min, max, exclusiveMin, exclusiveMax }: InRangeRule): string {
  if (min !== undefined && max !== undefined && !exclusiveMin && !exclusiveMax) return `${field} must be between ${min} and ${max}`;
  const parts: string[] = [];
  if (min !== undefined) parts.push(exclusiveMin ? `greater than ${min}` : `at least ${min}`);
  if (max !== undefined) parts.push(exclusiveMax ? `less than ${max}` : `at most ${max}`);
  return `${field} must be ${parts.join(' and ')}`;
}

export function planInSet(rule: InSetRule, ctx: PlanContext): RulePlan | undefined {
  const decl = declared(rule.field, ['field'], ctx);
  const { field, values } = rule;
  if (values.length > ctx.limits.maxSetValues) {
    ctx.report(['values'], `has ${values.length} values; at most ${ctx.limits.maxSetValues} (use a lookup for long lists)`);
  }
  if (!decl) return undefined;
  let fits = true;
  values.forEach((value, i) => {
    const why = misfit(value, decl);
    if (why === undefined) return;
    fits = false;
    ctx.report(['values', i], why);
  });
  if (!fits) return undefined;
  // A value of another kind (the text "1" in an int field) is simply not in the set.
  const set = new Set<unknown>(values);
  return single(field, `${field} must be one of ${listed(values)}`, (record) => {
    const v = record[field];
    return v === null || v === undefined || set.has(v);
  });
}

export function planReference(rule: ReferenceRule, ctx: PlanContext): RulePlan | undefined {
  const decl = declared(rule.field, ['field'], ctx);
  const { field, lookup } = rule;
  if (!ctx.lookups.has(lookup)) {
    const names = [...ctx.lookups.keys()];
    ctx.report(['lookup'], `unknown lookup "${lookup}" (lookups: ${names.length ? names.join(', ') : 'none'})`);
    return undefined;
  }
  const values = ctx.lookups.get(lookup);
  if (!decl || !values) return undefined; // a faulty lookup is reported where it is declared
  const misfitting = values.find((v) => misfit(v, decl) !== undefined);
  if (misfitting !== undefined) {
    ctx.report(['lookup'], `lookup "${lookup}" holds ${describeValue(misfitting)}, which the ${decl.type} field ${field} never holds`);
    return undefined;
  }
  const set = new Set<unknown>(values);
  return single(field, `${field} must be a value of lookup ${lookup}`, (record) => {
    const v = record[field];
    return v === null || v === undefined || set.has(v);
  });
}

export function planLength(rule: LengthRule, ctx: PlanContext): RulePlan | undefined {
  const decl = declared(rule.field, ['field'], ctx);
  const { field, min = 0, max = Infinity } = rule;
  if (decl && decl.type !== 'string') ctx.report(['field'], `length needs a string field, but ${field} is ${decl.type}`);
  if (min > max) ctx.report(['min'], `min (${min}) is greater than max (${max})`);
  if (decl?.type !== 'string' || min > max) return undefined;
  return single(field, lengthMessage(rule), (record) => {
    const v = record[field];
    if (v === null || v === undefined) return true;
    if (typeof v !== 'string') throw wrongKind(field, v, 'a string');
    // Length in code points, counted only when UTF-16 units cannot decide: n units hold between
    // ceil(n/2) and n code points, which settles almost every value without a scan.
    const units = v.length;
    if (units < min || (units + 1) >> 1 > max) return false;
    if (units <= max && (units + 1) >> 1 >= min) return true;
    const points = codePoints(v);
    return points >= min && points <= max;
  });
}

function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

function lengthMessage({ field, min, max }: LengthRule): string {
  const chars = (n: number) => `${n} character${n === 1 ? '' : 's'} long`;
  if (min !== undefined && max !== undefined) {
    return min === max ? `${field} must be exactly ${chars(min)}` : `${field} must be ${min} to ${chars(max)}`;
  }
  return min !== undefined ? `${field} must be at least ${chars(min)}` : `${field} must be at most ${chars(max ?? 0)}`;
}

export function planType(rule: TypeRule, ctx: PlanContext): RulePlan | undefined {
  const decl = declared(rule.field, ['field'], ctx);
  const { field, expected } = rule;
  if (!decl) return undefined;
  const an = /^[aeiou]/.test(expected) ? 'an' : 'a';
  if (kindOf(decl.type) !== kindOf(expected)) {
    // The rule could only ever fail: a misconfiguration, not a data check.
    ctx.report(['expected'], `${field} is declared ${decl.type}, which never holds ${an} ${expected} value`);
    return undefined;
  }
  return single(field, `${field} must be ${an} ${expected}`, (record) => {
    const v = record[field];
    return v === null || v === undefined || typeMismatch(v, expected) === undefined;
  });
}

const kindOf = (type: FieldType): string => (isNumeric(type) ? 'number' : type);

/** Why `value` can never be held by the field, or undefined when it can. */
function misfit(value: Scalar, field: FieldDeclaration): string | undefined {
  const why = typeMismatch(value, field.type);
  return why === undefined ? undefined : `${why}, so it never matches the ${field.type} field ${field.name}`;
}

/** A plan for a rule on one field, reporting that field's value. */
function single(field: string, message: string, test: RulePlan['test']): RulePlan {
  return { reads: [field], field, message, offending: valueOf(field), test };
}
