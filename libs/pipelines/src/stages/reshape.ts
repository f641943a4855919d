import { unknownField, type FieldMap } from '../field-map.js';
import type { CastStage, DataRecord, DropStage, RenameStage } from '../types.js';
import { RecordFailure, castValue } from '../values.js';
import type { ReportIssue, StagePlan } from './types.js';

/**
 * `rename`: `{ from: to }`, all at once, so `{ a: b, b: a }` swaps two fields. A target may not be
 * a field that stays: silently overwriting data is never what a rename means.
 */
export function planRename(stage: RenameStage, fields: FieldMap, report: ReportIssue): StagePlan {
  const pairs = Object.entries(stage.fields);
  const leaving = new Set(pairs.map(([from]) => from));
  const targets = new Set<string>();
  for (const [from, to] of pairs) {
    if (!fields.has(from)) report(['fields', from], unknownField(from, fields));
    if (fields.has(to) && !leaving.has(to)) report(['fields', from], `cannot rename to "${to}": that field already exists`);
    if (targets.has(to)) report(['fields', from], `two fields are renamed to "${to}"`);
    targets.add(to);
  }
  const renames = new Map(pairs);
  const next: FieldMap = new Map();
  for (const [name, field] of fields) {
    const to = renames.get(name) ?? name;
    next.set(to, { ...field, name: to });
  }
  return {
    fields: next,
    createRunner: () => (record) => {
      // Rebuilt in field order with the new names (no `delete`, for the reason given in planDrop).
      const out: DataRecord = {};
      for (const key of Object.keys(record)) out[renames.get(key) ?? key] = record[key];
      return out;
    },
  };
}

export function planDrop(stage: DropStage, fields: FieldMap, report: ReportIssue): StagePlan {
  const next: FieldMap = new Map(fields);
  stage.fields.forEach((name, i) => {
    if (!fields.has(name)) report(['fields', i], unknownField(name, fields));
    next.delete(name);
  });
  return {
    fields: next,
    createRunner: () => {
      const dropped = new Set(stage.fields);
      // A new object rather than `delete`: deleting turns a V8 object into a slow dictionary, and
      // every later stage and the Avro encoder would pay for it.
      return (record) => {
        const out: DataRecord = {};
        for (const key of Object.keys(record)) if (!dropped.has(key)) out[key] = record[key];
        return out;
      };
    },
  };
}

/** `cast`: lossless conversions only (see castValue); a value that cannot convert fails its record. */
export function planCast(stage: CastStage, fields: FieldMap, report: ReportIssue): StagePlan {
  const next: FieldMap = new Map(fields);
  const casts = Object.entries(stage.fields);
  for (const [name, type] of casts) {
    const field = fields.get(name);
    if (!field) report(['fields', name], unknownField(name, fields));
    else next.set(name, { ...field, type, default: undefined });
  }
  return {
    fields: next,
    createRunner: () => (record) => {
      for (const [name, type] of casts) {
        try {
          record[name] = castValue(record[name], type);
        } catch (err) {
          throw new RecordFailure(`fields.${name}: ${(err as Error).message}`, { cause: err });
        }
      }
      return record;
    },
  };
}
