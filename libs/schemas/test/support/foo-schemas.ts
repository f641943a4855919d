import type { AvroRecordSchema } from '../../src/index.js';

/** A small record in successive versions, for evolution tests. */
export const FOO = 'tributary.test.Foo';

const at = { type: 'long', logicalType: 'timestamp-millis' } as const;

export const fooV1 = {
  type: 'record',
  name: 'Foo',
  namespace: 'tributary.test',
  doc: 'Test record, version 1.',
  fields: [
    { name: 'id', type: 'string', doc: 'Id.' },
    { name: 'count', type: 'int', doc: 'A count.' },
    { name: 'inner', type: { type: 'record', name: 'Inner', fields: [{ name: 'x', type: 'int' }] }, doc: 'Nested record.' },
    { name: 'at', type: at, doc: 'A time.' },
  ],
} as unknown as AvroRecordSchema;

/** v1 plus a field with a default: a compatible change. */
export const fooV2 = withFields([...fooV1.fields, { name: 'note', type: ['null', 'string'], default: null, doc: 'Added in v2.' }]);

/** v2 plus a field without a default: incompatible. */
export const fooAddedWithoutDefault = withFields([...fooV2.fields, { name: 'amount', type: 'double', doc: 'No default.' }]);

/** v2 with id changed from string to int: incompatible. */
export const fooIdChangedToInt = withFields(fooV2.fields.map((f) => (f.name === 'id' ? { ...f, type: 'int' } : f)));

export function withFields(fields: AvroRecordSchema['fields']): AvroRecordSchema {
  return { ...fooV1, fields };
}

export interface Foo {
  id: string;
  count: number;
  inner: { x: number };
  at: number;
}
export interface FooV2 extends Foo {
  note: string | null;
}
