import { DefinitionError } from '../errors.js';
import type { DataRecord, FieldDeclaration } from '../types.js';
import { IssueList, type PathSegment } from './issues.js';

// The schema's fieldName rule; `__proto__` is refused because assigning it would change a record's prototype.
const FIELD_NAME = /^(?!__proto__$)[A-Za-z_][A-Za-z0-9_]{0,127}$/;

interface Seen {
  kind?: 'string' | 'number' | 'boolean';
  firstSample: number;
  fractional: boolean;
  nullable: boolean;
}

/**
 * Infers the input schema of flat sample records, to be pinned in the definition (inference runs
 * once; the pinned schema is what staging validates against, so new data cannot change it).
 *
 * Rules: fields in order of first appearance; strings → string, booleans → boolean, numbers → long
 * when every sample is an integer, double otherwise (int, float and timestamp are never guessed: pin
 * and edit); a field that is null or absent in any sample is nullable; a field that is only ever
 * null is a nullable string. A field with two kinds of values, or a nested value, is refused.
 * Throws DefinitionError with paths `/<sample>/<field>`.
 */
export function inferInputSchema(samples: readonly DataRecord[]): FieldDeclaration[] {
  const issues = new IssueList();
  const fields = inferFields(samples, issues, []);
  if (!issues.empty) throw new DefinitionError(issues.issues);
  return fields;
}

export function inferFields(samples: readonly unknown[], issues: IssueList, at: readonly PathSegment[]): FieldDeclaration[] {
  if (!Array.isArray(samples) || samples.length === 0) {
    issues.add(at, 'needs at least one sample record');
    return [];
  }
  const seen = new Map<string, Seen>();
  samples.forEach((sample: unknown, i) => {
    if (sample === null || typeof sample !== 'object' || Array.isArray(sample)) {
      issues.add([...at, i], 'must be a record (an object of field values)');
      return;
    }
    for (const [name, value] of Object.entries(sample as Record<string, unknown>)) {
      const where = [...at, i, name];
      if (!FIELD_NAME.test(name)) {
        issues.add(where, 'is not a field name: a letter or _, then letters, digits or _ (at most 128; not __proto__)');
        continue;
      }
      const entry = seen.get(name) ?? { firstSample: i, fractional: false, nullable: false };
      seen.set(name, entry);
      if (value === null || value === undefined) {
        entry.nullable = true;
        continue;
      }
      const kind = typeof value;
      if (kind !== 'string' && kind !== 'number' && kind !== 'boolean') {
        issues.add(where, 'is a nested value: records must be flat (scalars and nulls only)');
        continue;
      }
      if (entry.kind !== undefined && entry.kind !== kind) {
        issues.add(where, `is a ${kind} but sample ${entry.firstSample} holds a ${entry.kind}`);
        continue;
      }
      if (entry.kind === undefined) {
        entry.kind = kind;
        entry.firstSample = i;
      }
      if (kind === 'number' && !Number.isSafeInteger(value)) entry.fractional = true;
    }
  });
  // A field absent from some sample was null there.
  samples.forEach((sample: unknown) => {
    if (sample === null || typeof sample !== 'object') return;
    for (const [name, entry] of seen) if (!Object.hasOwn(sample, name)) entry.nullable = true;
  });
  return [...seen].map(([name, s]) => ({
    name,
    type: s.kind === 'number' ? (s.fractional ? 'double' : 'long') : (s.kind ?? 'string'),
    nullable: s.nullable,
  }));
}
