import type { FieldSpec } from '../types.js';
import { CoercionFailure } from './coerce.js';
import { type CompiledField, compileFields } from './field-specs.js';
import { resolveValidationPolicy, type ValidationPolicy } from './options.js';
import type { FieldIssue, RecordValidator, ValidationResult } from './types.js';

/**
 * Compiles a validator for a field list and policy (checked once here, so per-record work is only
 * lookups and coercion). The raw record is never modified; the staged record is a new object with
 * the declared fields in declaration order, then kept extra fields in input order. Every problem of
 * a record is reported, not just the first.
 *
 * Absent and null, per field (absent = no such property, or an empty CSV cell):
 * - absent → the default if declared, else null if nullable, else TRIB_RECORD_FIELD_REQUIRED;
 * - null   → null if nullable, else the default if declared, else TRIB_RECORD_FIELD_REQUIRED.
 * A nullable field with a default therefore keeps an explicit null: the sender said so.
 */
export function compileRecordValidator(
  fields: readonly FieldSpec[],
  policy: Partial<ValidationPolicy> = {},
): RecordValidator {
  const resolved = resolveValidationPolicy(policy);
  const compiled = compileFields(fields, resolved.zonelessTimestamps);
  const declared = new Set(compiled.map((f) => f.name));
  const text = resolved.source === 'csv';
  const { extraFields } = resolved;

  return (raw: unknown): ValidationResult => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      const got = raw === null ? 'null' : Array.isArray(raw) ? 'an array' : `a ${typeof raw}`;
      return fail([{ field: '$', code: 'TRIB_RECORD_NOT_OBJECT', message: `a record must be an object, got ${got}`, value: raw }]);
    }
    const input = raw as Record<string, unknown>;
    // Filled in the same order for every record, so staged records share one hidden class.
    const record: Record<string, unknown> = {};
    let errors: FieldIssue[] | undefined;
    for (const field of compiled) {
      // Own properties only: a field named "constructor" must not find Object.prototype.constructor.
      const value = Object.hasOwn(input, field.name) ? input[field.name] : undefined;
      const outcome = fieldValue(field, value, text);
      if (outcome instanceof FieldProblem) (errors ??= []).push(outcome.issue);
      else setField(record, field.name, outcome);
    }
    if (extraFields !== 'drop') {
      for (const key of Object.keys(input)) {
        if (declared.has(key)) continue;
        if (extraFields === 'keep') setField(record, key, input[key]);
        else (errors ??= []).push({ field: key, code: 'TRIB_RECORD_FIELD_UNKNOWN', message: 'field is not declared', value: input[key] });
      }
    }
    return errors ? fail(errors) : { ok: true, record };
  };
}

/** Sets an own data property; a field named "__proto__" stays data instead of replacing the prototype. */
function setField(record: Record<string, unknown>, name: string, value: unknown): void {
  if (name === '__proto__') Object.defineProperty(record, name, { value, enumerable: true, writable: true, configurable: true });
  else record[name] = value;
}

/** Validates one record; compile once with `compileRecordValidator` when validating many. */
export function validateRecord(
  raw: unknown,
  fields: readonly FieldSpec[],
  policy: Partial<ValidationPolicy> = {},
): ValidationResult {
  return compileRecordValidator(fields, policy)(raw);
}

/** A field's problem, told apart from any value the field can have. */
class FieldProblem {
  constructor(readonly issue: FieldIssue) {}
}

/** The staged value of a field, or its problem. */
function fieldValue(field: CompiledField, value: unknown, text: boolean): unknown {
  if (value === undefined || (text && isEmptyCell(field, value))) {
    if (field.hasDefault) return field.defaultValue;
    if (field.nullable) return null;
    return required(field, value, 'required field is missing');
  }
  if (value === null) {
    if (field.nullable) return null;
    if (field.hasDefault) return field.defaultValue;
    return required(field, value, 'field is not nullable');
  }
  const coerced = field.coerce(value, text);
  if (coerced instanceof CoercionFailure) return new FieldProblem({ field: field.name, code: coerced.code, message: coerced.message, value });
  return coerced;
}

/** CSV cannot tell an empty cell from a missing value; for non-text types, blanks count as empty too. */
function isEmptyCell(field: CompiledField, value: unknown): boolean {
  if (typeof value !== 'string') return false;
  return field.type === 'string' ? value === '' : value.trim() === '';
}

function required(field: CompiledField, value: unknown, message: string): FieldProblem {
  return new FieldProblem({ field: field.name, code: 'TRIB_RECORD_FIELD_REQUIRED', message, value });
}

function fail(errors: FieldIssue[]): ValidationResult {
  return { ok: false, errors };
}
