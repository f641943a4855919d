import { StagingOptionsError } from '../errors.js';
import { FIELD_TYPES, type FieldSpec, type FieldType } from '../types.js';
import { type Coercer, CoercionFailure, coercerFor } from './coerce.js';
import type { ZonelessPolicy } from './timestamp.js';

/** A field ready for validation: its coercer chosen and its default already coerced. */
export interface CompiledField {
  readonly name: string;
  readonly type: FieldType;
  readonly nullable: boolean;
  readonly hasDefault: boolean;
  readonly defaultValue: unknown;
  readonly coerce: Coercer;
}

/**
 * Checks a field list once and compiles it. Refuses (TRIB_STAGING_FIELD_SPEC_INVALID, one issue per
 * problem, paths like `fields[2].default`): a name that is empty or repeated, an unknown type, a
 * non-boolean `nullable`, a default that does not pass the strict JSON rules of its type, and a null
 * default on a field that is not nullable.
 */
export function compileFields(fields: readonly FieldSpec[], zoneless: ZonelessPolicy): CompiledField[] {
  const issues: { path: string; message: string }[] = [];
  const names = new Set<string>();
  const compiled: CompiledField[] = [];
  // Checked through `unknown` so the narrowing does not turn `fields` into any[] below.
  const list: unknown = fields;
  if (!Array.isArray(list)) {
    throw new StagingOptionsError('TRIB_STAGING_FIELD_SPEC_INVALID', 'fields must be an array', [
      { path: 'fields', message: 'must be an array' },
    ]);
  }
  fields.forEach((spec, i) => {
    const at = `fields[${i}]`;
    const item: unknown = spec;
    if (item === null || typeof item !== 'object') {
      issues.push({ path: at, message: 'must be an object { name, type, nullable?, default? }' });
      return;
    }
    const { name, type, nullable = false } = spec;
    if (typeof name !== 'string' || name === '') issues.push({ path: `${at}.name`, message: 'must be a non-empty string' });
    else if (names.has(name)) issues.push({ path: `${at}.name`, message: `duplicate field name "${name}"` });
    else names.add(name);
    if (!FIELD_TYPES.includes(type)) {
      issues.push({ path: `${at}.type`, message: `must be one of ${FIELD_TYPES.join(', ')}` });
      return;
    }
    if (typeof nullable !== 'boolean') issues.push({ path: `${at}.nullable`, message: 'must be a boolean' });
    const coerce = coercerFor(type, zoneless);
    let defaultValue: unknown = undefined;
    if (spec.default === null) {
      if (!nullable) issues.push({ path: `${at}.default`, message: 'null default on a field that is not nullable' });
      defaultValue = null;
    } else if (spec.default !== undefined) {
      const result = coerce(spec.default, false);
      if (result instanceof CoercionFailure) issues.push({ path: `${at}.default`, message: result.message });
      else defaultValue = result;
    }
    compiled.push({ name, type, nullable: nullable === true, hasDefault: spec.default !== undefined, defaultValue, coerce });
  });
  if (issues.length > 0) {
    throw new StagingOptionsError(
      'TRIB_STAGING_FIELD_SPEC_INVALID',
      `invalid field list: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return compiled;
}
