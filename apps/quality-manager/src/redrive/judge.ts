import type { DataRecord, FieldDeclaration } from '@tributary/pipelines';
import { typeMismatch } from '@tributary/pipelines';
import type { CompiledRuleSet, RuleEvaluator } from '@tributary/quality-rules';
import type { QuarantinedRecord, RuleFailure as RuleFailureEvent } from '@tributary/schemas';
import { toFailureEvent, valueText } from '../checking/failures.js';

/** Id and type of the failure a record gets when it does not fit the pipeline's current Output type. */
export const OUTPUT_SCHEMA_RULE = { ruleId: 'output-schema', ruleType: 'schema' } as const;

/** The current version's rules and record shape, as a redrive judges records against them. */
export interface Judge {
  /** The current definition's compiled rules; undefined when it declares none (every record passes). */
  readonly rules: CompiledRuleSet | undefined;
  /** The current definition's Output fields: a record that passes is written in this shape. */
  readonly fields: readonly FieldDeclaration[];
}

export type Rejudged =
  /** Passes every `error` rule: to `.validated`, as the current Output type; `warnings`: ids of `warn` rules it broke. */
  | { readonly kind: 'validated'; readonly record: DataRecord; readonly warnings: readonly string[] }
  /** Still fails: to `.quarantine` again with these failures. */
  | { readonly kind: 'quarantined'; readonly failures: readonly RuleFailureEvent[] };

/**
 * Judges a quarantined record again, against the pipeline's current rules, at the time it was first
 * quarantined (`quarantinedAt`): `freshness` must judge the record as at its arrival, or every record
 * older than `maxAge` would fail again however the rules changed, and the same holds for `unique`
 * windows without a time field.
 *
 * `unique` failures are carried over while the rule set still has an `error` unique rule of that id:
 * the record that made this one a duplicate passed and is not in the quarantine, so evaluating again
 * would let the duplicate through. `evaluator` is the redrive's own, per partition, so duplicates
 * among the redriven records are still caught.
 *
 * A record that no longer fits the current Output type (a field became required, or changed type)
 * stays quarantined with an `output-schema` failure naming the field: it could not be written to
 * `.validated`.
 */
export function rejudge(quarantined: QuarantinedRecord, judge: Judge, evaluator: RuleEvaluator | undefined): Rejudged {
  let parsed: unknown;
  try {
    parsed = JSON.parse(quarantined.record);
  } catch (err) {
    return { kind: 'quarantined', failures: [schemaFailure(undefined, undefined, `the quarantined record is not JSON: ${(err as Error).message}`)] };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { kind: 'quarantined', failures: [schemaFailure(undefined, undefined, 'the quarantined record is not a JSON object')] };
  }
  const { record, problems } = conform(parsed as DataRecord, judge.fields);
  const verdict = evaluator?.evaluate(record, { now: quarantined.quarantinedAt });
  const failures: RuleFailureEvent[] = [...problems, ...(verdict?.failures ?? []).map(toFailureEvent)];
  if (judge.rules) {
    const seen = new Set(failures.map((f) => f.ruleId));
    const uniqueErrors = new Set(judge.rules.rules.filter((r) => r.type === 'unique' && r.severity === 'error').map((r) => r.id));
    for (const f of quarantined.failures) {
      if (f.ruleType === 'unique' && uniqueErrors.has(f.ruleId) && !seen.has(f.ruleId)) failures.push({ ...f, severity: 'error' });
    }
  }
  if (failures.some((f) => f.severity === 'error')) return { kind: 'quarantined', failures };
  return { kind: 'validated', record, warnings: [...new Set(failures.map((f) => f.ruleId))] };
}

/**
 * The record in the current Output shape: every declared field (a missing one takes its default, or
 * null), nothing else. Problems: a null in a non-nullable field, a value of the wrong type.
 */
export function conform(input: DataRecord, fields: readonly FieldDeclaration[]): { record: DataRecord; problems: RuleFailureEvent[] } {
  const record: DataRecord = {};
  const problems: RuleFailureEvent[] = [];
  for (const f of fields) {
    const given = input[f.name];
    const value = given === undefined ? (f.default ?? null) : given;
    record[f.name] = value;
    if (value === null) {
      if (f.nullable !== true) problems.push(schemaFailure(f.name, null, `${f.name} is null but the current Output type requires it`));
      continue;
    }
    const why = typeMismatch(value, f.type);
    if (why !== undefined) problems.push(schemaFailure(f.name, value, `${f.name}: ${why} (${f.type} in the current Output type)`));
  }
  return { record, problems };
}

function schemaFailure(field: string | undefined, value: unknown, message: string): RuleFailureEvent {
  return { ...OUTPUT_SCHEMA_RULE, severity: 'error', field: field ?? null, value: value === undefined ? null : valueText(value), message };
}

