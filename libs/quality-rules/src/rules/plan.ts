import type { DataRecord, FieldDeclaration, FieldType, Scalar } from '@tributary/pipelines';
import type { PathSegment } from '../definition/issues.js';
import { RuleEvaluationError } from '../errors.js';
import type { RuleSetLimits } from '../options.js';
import type { RuleEngine } from '../types.js';

/** Reports a problem at a path inside the rule being planned (`['max']`); `field` overrides the rule's. */
export type Report = (at: readonly PathSegment[], message: string, field?: string) => void;

export interface PlanContext {
  readonly fields: ReadonlyMap<string, FieldDeclaration>;
  /** Declared lookups by name; undefined values for lookups refused where they are declared. */
  readonly lookups: ReadonlyMap<string, readonly Scalar[] | undefined>;
  readonly limits: RuleSetLimits;
  readonly report: Report;
}

/**
 * True when the record passes. Throws RuleEvaluationError when the rule cannot tell. `state` is what
 * the rule's `createState` made for the evaluator running it; undefined for a rule without state.
 */
export type RecordTest = (record: DataRecord, now: number, state: unknown) => boolean;

/** A per-record rule checked against the fields, with its test ready to run. */
export interface RulePlan {
  /** Fields the rule reads. */
  readonly reads: readonly string[];
  /** The field failures name (absent for expressions). */
  readonly field?: string;
  /** Message when the rule gives none. */
  readonly message: string;
  readonly engine?: RuleEngine;
  /** The value a failure reports. */
  offending(record: DataRecord): unknown;
  /** The rule's test, built once per rule set and shared by all its evaluators. */
  readonly test: RecordTest;
  /** State of its own for each evaluator, for a rule that remembers earlier records (`unique`'s window). */
  createState?(): unknown;
}

/** The declaration of `name`, or undefined after reporting an unknown field at `at`. */
export function declared(name: string, at: readonly PathSegment[], ctx: PlanContext): FieldDeclaration | undefined {
  const field = ctx.fields.get(name);
  if (!field) ctx.report(at, `unknown field "${name}" (fields here: ${fieldList([...ctx.fields.keys()])})`, name);
  return field;
}

/** At most 12 names, so a message about a 200-field record stays readable. */
export function fieldList(names: readonly string[]): string {
  if (names.length === 0) return 'none';
  return names.length > 12 ? `${names.slice(0, 12).join(', ')}, …` : names.join(', ');
}

export const isNumeric = (type: FieldType): boolean => type !== 'string' && type !== 'boolean';
export const isIntegral = (type: FieldType): boolean => type === 'int' || type === 'long' || type === 'timestamp';

/** The value of one field as a failure reports it: a missing field reads as null. */
export function valueOf(field: string): (record: DataRecord) => unknown {
  return (record) => record[field] ?? null;
}

/** `{ a: 1, b: null }`: the values of several fields, for rules that read more than one. */
export function valuesOf(fields: readonly string[]): (record: DataRecord) => unknown {
  return (record) => Object.fromEntries(fields.map((f) => [f, record[f] ?? null]));
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return Array.isArray(value) ? 'a list' : `a ${typeof value}`;
}

/** Thrown by tests that meet a value they cannot judge, e.g. text in a numeric field. */
export function wrongKind(field: string, value: unknown, expected: string): RuleEvaluationError {
  return new RuleEvaluationError(`${field} is ${describeValue(value)}, not ${expected}`);
}

/** A rule field's text for messages: at most `max` items, then "and N more". */
export function listed(values: readonly unknown[], max = 10): string {
  const shown = values.slice(0, max).map(String).join(', ');
  return values.length > max ? `${shown} and ${values.length - max} more` : shown;
}
