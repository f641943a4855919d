import type { DataRecord } from '@tributary/pipelines';
import { type AvroRecordSchema, codecAvroType } from '@tributary/schemas';

export type ShapedOutput = { ok: true; value: DataRecord } | { ok: false; message: string };

/**
 * Checks a stage result against the Output schema before it is queued. In a transaction, values are
 * encoded at commit time, where one bad value would fail the whole batch again and again; checked
 * here, it becomes a rejection of that record instead. Absent nullable fields become null.
 */
export function createOutputShaper(schema: AvroRecordSchema): (record: DataRecord) => ShapedOutput {
  const type = codecAvroType(schema);
  const nullable = new Set(
    schema.fields.filter((f) => Array.isArray(f.type) && (f.type as unknown[]).includes('null')).map((f) => f.name),
  );
  const names = schema.fields.map((f) => f.name);
  return (record) => {
    const value: DataRecord = {};
    for (const name of names) {
      const v = record[name];
      value[name] = v === undefined && nullable.has(name) ? null : v;
    }
    // The plain check first: it allocates nothing. The one with an error hook (a closure per call)
    // runs only for a record that does not fit, to say why.
    if (type.isValid(value)) return { ok: true, value };
    const problems: string[] = [];
    type.isValid(value, {
      errorHook: (path: string[], found: unknown) => {
        problems.push(`${path.join('.') || '(record)'}: ${JSON.stringify(found) ?? 'undefined'} does not fit the output schema`);
      },
    });
    return { ok: false, message: problems.join('; ') };
  };
}
