import { DedupeWindow, type FieldDeclaration, parseWindow } from '@tributary/pipelines';
import type { PathSegment } from '../definition/issues.js';
import { RuleEvaluationError } from '../errors.js';
import { qualityRulesDefaults } from '../options.js';
import type { CompareOp, CompareRule, FreshnessRule, UniqueRule } from '../types.js';
import { type PlanContext, type RulePlan, declared, isIntegral, isNumeric, valueOf, valuesOf, wrongKind } from './plan.js';

/** Rules that relate a value to another field, to the clock or to earlier records. */

export function planCompare(rule: CompareRule, ctx: PlanContext): RulePlan | undefined {
  const { left, op, right } = rule;
  const l = declared(left, ['left'], ctx);
  const r = declared(right, ['right'], ctx);
  if (!l || !r) return undefined;
  const kind = comparable(l, r, op);
  if (typeof kind !== 'string') {
    ctx.report(['right'], kind.error, right);
    return undefined;
  }
  if (left === right) {
    ctx.report(['right'], `compares ${left} with itself`, right);
    return undefined;
  }
  const holds = OPS[op];
  return {
    reads: [left, right],
    field: left,
    message: `${left} must be ${op} ${right}`,
    offending: valuesOf([left, right]),
    // Skipped when either side is null, like SQL: "shipped after created" says nothing of unshipped orders.
    test: (record) => {
      const a = record[left];
      const b = record[right];
      if (a === null || a === undefined || b === null || b === undefined) return true;
      if (typeof a !== kind) throw wrongKind(left, a, `a ${kind}`);
      if (typeof b !== kind) throw wrongKind(right, b, `a ${kind}`);
      return holds(a as number, b as number);
    },
  };
}

/** The JS type both sides hold, or why they cannot be compared. */
function comparable(l: FieldDeclaration, r: FieldDeclaration, op: CompareOp): 'number' | 'string' | 'boolean' | { error: string } {
  const cannot = { error: `cannot compare ${l.name} (${l.type}) with ${r.name} (${r.type})` };
  if (isNumeric(l.type)) return isNumeric(r.type) ? 'number' : cannot;
  if (l.type !== r.type) return cannot;
  if (l.type === 'boolean' && op !== '==' && op !== '!=') return { error: `booleans compare only with == and !=, not ${op}` };
  return l.type === 'string' ? 'string' : 'boolean';
}

// Strings order by UTF-16 code units, as JavaScript compares them (ISO-8601 text orders as time).
const OPS: Readonly<Record<CompareOp, (a: number, b: number) => boolean>> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

export function planFreshness(rule: FreshnessRule, ctx: PlanContext): RulePlan | undefined {
  const decl = declared(rule.field, ['field'], ctx);
  const { field, maxAge, maxFuture = qualityRulesDefaults.freshnessMaxFuture } = rule;
  if (decl && !isIntegral(decl.type)) ctx.report(['field'], `must be a timestamp (epoch ms) field, but ${field} is ${decl.type}`);
  const ageMs = duration(maxAge, ['maxAge'], ctx, false);
  const futureMs = duration(maxFuture, ['maxFuture'], ctx, true);
  if (!decl || !isIntegral(decl.type) || ageMs === undefined || futureMs === undefined) return undefined;
  const future = futureMs === 0 ? 'not in the future' : `at most ${maxFuture} in the future`;
  return {
    reads: [field],
    field,
    message: `${field} must be at most ${maxAge} old and ${future}`,
    offending: valueOf(field),
    test: (record, now) => {
      const v = record[field];
      if (v === null || v === undefined) return true;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw wrongKind(field, v, 'a time in epoch ms');
      const age = now - v;
      if (Number.isNaN(age)) throw noClock();
      return age <= ageMs && age >= -futureMs;
    },
  };
}

export function planUnique(rule: UniqueRule, ctx: PlanContext): RulePlan | undefined {
  const { fields, timeField, window, maxKeys = qualityRulesDefaults.uniqueMaxKeys } = rule;
  const known = fields.map((name, i) => declared(name, ['fields', i], ctx));
  let time: FieldDeclaration | undefined;
  if (timeField !== undefined) {
    time = declared(timeField, ['timeField'], ctx);
    if (time && !isIntegral(time.type)) ctx.report(['timeField'], `must be a timestamp (epoch ms) field, but ${timeField} is ${time.type}`, timeField);
  }
  const windowMs = duration(window, ['window'], ctx, false);
  if (known.some((f) => !f) || (timeField !== undefined && (!time || !isIntegral(time.type))) || windowMs === undefined) return undefined;
  const [only] = fields;
  const single = fields.length === 1 && only !== undefined;
  const key = single ? keyOfOne(only) : keyOfMany(fields);
  return {
    reads: timeField === undefined ? fields : [...fields, timeField],
    field: fields.join(','),
    message: `${single ? only : `(${fields.join(', ')})`} must be unique within ${window}`,
    offending: single ? valueOf(only) : valuesOf(fields),
    // One window per evaluator: state per partition, bounded by maxKeys, like the dedupe stage.
    createState: () => new DedupeWindow(windowMs, maxKeys),
    test: (record, now, state) => {
      const k = key(record);
      if (k === undefined) return true;
      let at = now;
      if (timeField !== undefined) {
        const t = record[timeField];
        if (typeof t !== 'number' || !Number.isFinite(t)) throw wrongKind(timeField, t, 'a time in epoch ms');
        at = t;
      } else if (!Number.isFinite(at)) {
        throw noClock();
      }
      return !(state as DedupeWindow).isDuplicate(k, at);
    },
  };
}

const noClock = () => new RuleEvaluationError('ctx.now is not a time in epoch ms');

/**
 * The key of one field: strings as they are (no allocation), other values tagged so that the
 * number 1 and the text "1" stay different keys. undefined (no key, the rule passes) for null.
 */
function keyOfOne(field: string): (record: Record<string, unknown>) => string | undefined {
  return (record) => {
    const v = record[field];
    if (v === null || v === undefined) return undefined;
    return typeof v === 'string' ? v : `\u0000${JSON.stringify(v)}`;
  };
}

/** Keys of several fields; as in Great Expectations' compound-key uniqueness, a key of only nulls is no key. */
function keyOfMany(fields: readonly string[]): (record: Record<string, unknown>) => string | undefined {
  return (record) => {
    const values = fields.map((f) => record[f] ?? null);
    return values.every((v) => v === null) ? undefined : JSON.stringify(values);
  };
}

/** A duration in ms within the limits, or undefined after reporting why not. */
export function duration(text: string, at: readonly PathSegment[], ctx: PlanContext, zeroAllowed: boolean): number | undefined {
  const ms = parseWindow(text);
  const max = ctx.limits.maxWindowMs;
  if (ms === undefined) ctx.report(at, 'must be a duration such as 500ms, 30s, 10m, 2h or 1d');
  else if (ms === 0 && !zeroAllowed) ctx.report(at, 'must be longer than 0');
  else if (ms > max) ctx.report(at, `must be at most ${describeDuration(max)}: state and clocks are bounded`);
  else return ms;
  return undefined;
}

function describeDuration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1000, 's'],
  ];
  const unit = units.find(([size]) => ms % size === 0);
  return unit ? `${ms / unit[0]}${unit[1]}` : `${ms}ms`;
}
