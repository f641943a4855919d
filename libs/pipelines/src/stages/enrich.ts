import { unknownField, type FieldMap } from '../field-map.js';
import type { EnrichStage, FieldType, Scalar } from '../types.js';
import { RecordFailure, describeValue } from '../values.js';
import type { ReportIssue, StagePlan } from './types.js';

type Row = Readonly<Record<string, Scalar | null>>;

/**
 * `enrich`: joins a static lookup table given in the definition. The record's `on` value, as text,
 * picks the row (`1` finds row "1"); the listed columns are copied onto the record, replacing fields
 * of the same name. A column's type is read from the table's values; it is nullable when a row lacks
 * it or holds null, or when `missing: null` can leave it empty.
 */
export function planEnrich(stage: EnrichStage, fields: FieldMap, report: ReportIssue): StagePlan {
  if (!fields.has(stage.on)) report(['on'], unknownField(stage.on, fields));
  // A Map, not the parsed object: a record value like "__proto__" or "constructor" must find no row.
  const table = new Map<string, Row>(Object.entries(stage.table));
  const next: FieldMap = new Map(fields);
  stage.fields.forEach((column, i) => {
    const found = columnType(table, column, (rowKey, message) => report(['table', rowKey, column], message));
    if (found === 'absent') report(['fields', i], `"${column}" is not a column of the table`);
    // Still declared after a fault (as a nullable string), so later stages do not report it again.
    if (typeof found === 'string') next.set(column, { name: column, type: 'string', nullable: true });
    else next.set(column, { name: column, type: found.type, nullable: found.nullable || stage.missing === 'null' });
  });
  const { on, missing, fields: columns } = stage;
  return {
    fields: next,
    createRunner: () => (record) => {
      const value = record[on];
      const row = value === null || value === undefined ? undefined : table.get(lookupKey(value));
      if (row === undefined) {
        if (missing === 'drop') return null;
        if (missing === 'error') throw new RecordFailure(`on ${on}: no table row for ${describeValue(value)}`);
      }
      for (const column of columns) record[column] = row?.[column] ?? null;
      return record;
    },
  };
}

function lookupKey(value: unknown): string {
  // Records hold scalars: numbers and booleans look up by their text (`1` finds row "1").
  return typeof value === 'string' ? value : String(value);
}

type ColumnType = { type: FieldType; nullable: boolean } | 'absent' | 'conflict';

function columnType(table: Map<string, Row>, column: string, report: (rowKey: string, message: string) => void): ColumnType {
  let kind: 'string' | 'boolean' | 'number' | undefined;
  let fractional = false;
  let nullable = false;
  let present: string | undefined;
  let firstRow = '';
  for (const [rowKey, row] of table) {
    const value = Object.hasOwn(row, column) ? row[column] : undefined;
    if (value !== undefined) present ??= rowKey;
    if (value === undefined || value === null) {
      nullable = true;
      continue;
    }
    const k = typeof value as 'string' | 'boolean' | 'number';
    if (kind === undefined) {
      kind = k;
      firstRow = rowKey;
    } else if (kind !== k) {
      report(rowKey, `is a ${k} but row "${firstRow}" holds a ${kind}: a column holds one type`);
      return 'conflict';
    }
    if (k === 'number' && !Number.isSafeInteger(value)) fractional = true;
  }
  if (present === undefined) return 'absent';
  if (kind === undefined) {
    report(present, 'the column holds only nulls, so its type cannot be told');
    return 'conflict';
  }
  const type: FieldType = kind === 'number' ? (fractional ? 'double' : 'long') : kind;
  return { type, nullable };
}
