import avro, { type Type } from 'avsc';
import { expect } from 'chai';
import { type AvroRecordSchema, SchemaIncompatibleError, assertReadsEveryVersion, findIncompatibility } from '../src/index.js';
import { fooAddedWithoutDefault, fooIdChangedToInt, fooV1, fooV2, withFields } from './support/foo-schemas.js';

const type = (schema: AvroRecordSchema): Type => avro.Type.forSchema(schema);
const subject = 'tributary.x-tributary.test.Foo';
const check = (reader: AvroRecordSchema, writer: AvroRecordSchema) => findIncompatibility(type(reader), type(writer));
const replaceField = (name: string, field: Record<string, unknown>) =>
  withFields(fooV1.fields.map((f) => (f.name === name ? { ...f, ...field } : f)));

describe('BACKWARD_TRANSITIVE compatibility, explained (avsc, no registry)', () => {
  it('accepts compatible changes: field added with a default, field removed, promotion, widening to a union', () => {
    expect(check(fooV2, fooV1)).to.equal(undefined);
    expect(check(withFields(fooV1.fields.filter((f) => f.name !== 'count')), fooV1)).to.equal(undefined);
    expect(check(replaceField('count', { type: 'long' }), fooV1)).to.equal(undefined);
    expect(check(replaceField('id', { type: ['null', 'string'] }), fooV1)).to.equal(undefined);
  });

  it('names a field added without a default', () => {
    expect(check(fooAddedWithoutDefault, fooV2)).to.deep.equal({
      field: 'amount',
      violation: 'field-added-without-default',
      explanation: "field 'amount' was added without a default",
    });
  });

  it('names a field whose type changed, with both types', () => {
    expect(check(fooIdChangedToInt, fooV2)).to.deep.include({
      field: 'id',
      violation: 'type-changed',
      explanation: "field 'id' changed type from string to int",
    });
    expect(check(fooV1, replaceField('id', { type: ['null', 'string'] }))?.explanation).to.equal(
      "field 'id' changed type from union[null, string] to string",
    );
  });

  it('gives the path of a nested field, through records and arrays', () => {
    const innerY = { type: 'record', name: 'Inner', fields: [{ name: 'x', type: 'int' }, { name: 'y', type: 'int' }] };
    expect(check(replaceField('inner', { type: innerY }), fooV1)?.explanation).to.equal("field 'inner.y' was added without a default");

    const list = (itemFields: AvroRecordSchema['fields']) =>
      withFields([{ name: 'items', doc: 'List.', type: { type: 'array', items: { type: 'record', name: 'Item', fields: itemFields } } }]);
    expect(check(list([{ name: 'n', type: 'string' }]), list([{ name: 'n', type: 'long' }]))?.explanation).to.equal(
      "field 'items[].n' changed type from long to string",
    );
  });

  it('names dropped enum symbols, and accepts them when the enum has a default', () => {
    const level = (symbols: string[], extra: object = {}) =>
      replaceField('id', { type: { type: 'enum', name: 'Level', symbols, ...extra } });
    expect(check(level(['a']), level(['a', 'b']))).to.deep.equal({
      field: 'id',
      violation: 'enum-symbol-removed',
      explanation: "field 'id' (enum tributary.test.Level) dropped symbol(s) 'b' and the enum has no default",
    });
    expect(check(level(['a'], { default: 'a' }), level(['a', 'b']))).to.equal(undefined);
  });

  it('names a renamed record', () => {
    expect(check({ ...fooV1, name: 'Bar' }, fooV1)).to.deep.equal({
      field: undefined,
      violation: 'name-changed',
      explanation: 'the record was renamed from tributary.test.Foo to tributary.test.Bar without an alias',
    });
    expect(check({ ...fooV1, name: 'Bar', aliases: ['tributary.test.Foo'] }, fooV1)).to.equal(undefined);
  });

  it('checks against every version, not only the latest (transitive)', () => {
    // v2 drops `count`; v3 brings it back as a string with a default. v3 reads v2 (no count → default)
    // but not v1, whose count is an int: plain BACKWARD would accept v3, BACKWARD_TRANSITIVE must not.
    const v2 = withFields(fooV1.fields.filter((f) => f.name !== 'count'));
    const v3 = withFields([...v2.fields, { name: 'count', type: 'string', default: '', doc: 'Back, as text.' }]);
    const versions = [fooV1, v2].map((s, i) => ({ version: i + 1, id: 10 + i, type: type(s) }));
    expect(check(v3, v2)).to.equal(undefined);

    let caught: unknown;
    try {
      assertReadsEveryVersion(subject, type(v3), versions);
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(SchemaIncompatibleError);
    const err = caught as SchemaIncompatibleError;
    expect(err.message).to.equal(
      "tributary.x-tributary.test.Foo: field 'count' changed type from int to string, so records written with version 1 cannot be read (BACKWARD_TRANSITIVE)",
    );
    expect(err).to.deep.include({ code: 'TRIB_SCHEMA_INCOMPATIBLE', retriable: false, subject, field: 'count', rule: 'BACKWARD_TRANSITIVE', version: 1 });
  });
});
