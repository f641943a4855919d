import { expect } from 'chai';
import {
  type FieldSpec,
  StagingOptionsError,
  compileRecordValidator,
  parseRecords,
  validateRecord,
  validationDefaults,
} from '../src/index.js';
import { thrown } from './helpers.js';

const fields: FieldSpec[] = [
  { name: 'id', type: 'long' },
  { name: 'name', type: 'string', nullable: true },
  { name: 'score', type: 'double', default: 0 },
  { name: 'tag', type: 'string', nullable: true, default: 'none' },
];

describe('validateRecord', () => {
  it('has its defaults in one frozen object: strict JSON, drop extra fields, refuse zoneless date-times', () => {
    expect(validationDefaults).to.deep.equal({ source: 'json', extraFields: 'drop', zonelessTimestamps: 'reject' });
    expect(Object.isFrozen(validationDefaults)).to.equal(true);
  });

  it('returns a new record with declared fields in declaration order, leaving the input as it was', () => {
    const raw = Object.freeze({ tag: 't', score: 1.5, extra: true, name: 'n', id: 7 });
    const result = validateRecord(raw, fields);
    expect(result).to.deep.equal({ ok: true, record: { id: 7, name: 'n', score: 1.5, tag: 't' } });
    expect(result.ok && Object.keys(result.record)).to.deep.equal(['id', 'name', 'score', 'tag']);
    expect(raw).to.deep.equal({ tag: 't', score: 1.5, extra: true, name: 'n', id: 7 });
  });

  describe('absent and null values', () => {
    it('fills an absent field from its default, else null when nullable, else refuses it', () => {
      expect(validateRecord({ id: 1 }, fields)).to.deep.equal({
        ok: true,
        record: { id: 1, name: null, score: 0, tag: 'none' },
      });
      const missing = validateRecord({ name: 'x' }, fields);
      expect(missing).to.deep.equal({
        ok: false,
        errors: [{ field: 'id', code: 'TRIB_RECORD_FIELD_REQUIRED', message: 'required field is missing', value: undefined }],
      });
    });

    it('keeps an explicit null on a nullable field even when it has a default', () => {
      expect(validateRecord({ id: 1, tag: null }, fields)).to.deep.include({ ok: true });
      expect(validateRecord({ id: 1, tag: null }, fields)).to.have.nested.property('record.tag', null);
    });

    it('replaces null by the default on a field that is not nullable, and refuses it without one', () => {
      expect(validateRecord({ id: 1, score: null }, fields)).to.have.nested.property('record.score', 0);
      const result = validateRecord({ id: null }, fields);
      expect(result).to.deep.equal({
        ok: false,
        errors: [{ field: 'id', code: 'TRIB_RECORD_FIELD_REQUIRED', message: 'field is not nullable', value: null }],
      });
    });

    it('treats an empty CSV cell as absent, and a blank one too for non-text fields', () => {
      const validate = compileRecordValidator(fields, { source: 'csv' });
      expect(validate({ id: '1', name: '', score: '  ', tag: '' })).to.deep.equal({
        ok: true,
        record: { id: 1, name: null, score: 0, tag: 'none' },
      });
      expect(validate({ id: '', name: ' ' })).to.deep.equal({
        ok: false,
        errors: [{ field: 'id', code: 'TRIB_RECORD_FIELD_REQUIRED', message: 'required field is missing', value: '' }],
      });
      expect(validate({ id: '2', name: ' ' })).to.have.nested.property('record.name', ' ');
    });

    it('keeps an empty string in JSON: only CSV cannot tell it from a missing value', () => {
      expect(validateRecord({ id: 1, name: '' }, fields)).to.have.nested.property('record.name', '');
      expect(validateRecord({ id: '' }, fields)).to.deep.include({ ok: false });
    });

    it('looks at own properties only', () => {
      const result = validateRecord({}, [{ name: 'constructor', type: 'string' }, { name: 'toString', type: 'string', nullable: true }]);
      expect(result).to.deep.include({ ok: false });
      expect(!result.ok && result.errors.map((e) => e.field)).to.deep.equal(['constructor']);
    });
  });

  describe('extra fields', () => {
    const declared: FieldSpec[] = [{ name: 'a', type: 'int' }];
    const raw = JSON.parse('{"a":"1","b":"x","__proto__":{"polluted":true}}') as Record<string, unknown>;

    it('drops them by default', () => {
      expect(validateRecord({ a: 1, b: 2 }, declared)).to.deep.equal({ ok: true, record: { a: 1 } });
    });

    it('keeps them unchanged and uncoerced after the declared fields with "keep"', () => {
      const result = validateRecord(raw, declared, { source: 'csv', extraFields: 'keep' });
      expect(result.ok).to.equal(true);
      if (!result.ok) return;
      expect(Object.keys(result.record)).to.deep.equal(['a', 'b', '__proto__']);
      expect(result.record['b']).to.equal('x');
      expect(Object.getPrototypeOf(result.record)).to.equal(Object.prototype);
      expect((result.record as { polluted?: unknown }).polluted).to.equal(undefined);
    });

    it('makes each one an error with "reject"', () => {
      const result = validateRecord(raw, declared, { source: 'csv', extraFields: 'reject' });
      expect(result.ok).to.equal(false);
      expect(!result.ok && result.errors.map((e) => [e.field, e.code])).to.deep.equal([
        ['b', 'TRIB_RECORD_FIELD_UNKNOWN'],
        ['__proto__', 'TRIB_RECORD_FIELD_UNKNOWN'],
      ]);
    });
  });

  it('reports every problem of a record, not only the first', () => {
    const result = validateRecord({ id: 'x', name: 5, score: 'high', other: 1 }, fields, { extraFields: 'reject' });
    expect(!result.ok && result.errors.map((e) => `${e.field}:${e.code}`)).to.deep.equal([
      'id:TRIB_RECORD_FIELD_TYPE',
      'name:TRIB_RECORD_FIELD_TYPE',
      'score:TRIB_RECORD_FIELD_TYPE',
      'other:TRIB_RECORD_FIELD_UNKNOWN',
    ]);
  });

  for (const raw of [null, 42, 'text', [1, 2], true]) {
    it(`refuses a record that is not an object: ${JSON.stringify(raw)}`, () => {
      const result = validateRecord(raw, fields);
      expect(result).to.deep.include({ ok: false });
      expect(!result.ok && result.errors[0]).to.deep.include({ field: '$', code: 'TRIB_RECORD_NOT_OBJECT', value: raw });
    });
  }

  it('validates parsed CSV end to end', () => {
    const { records, format } = parseRecords('id,name,score\n1,ann,2.5\n2,,\nx,bob,1\n', 'text/csv');
    const validate = compileRecordValidator(fields, { source: format });
    const results = records.map((r) => validate(r));
    expect(results.map((r) => r.ok)).to.deep.equal([true, true, false]);
    expect(results[1]).to.deep.equal({ ok: true, record: { id: 2, name: null, score: 0, tag: 'none' } });
  });
});

describe('compileRecordValidator: field lists and policy', () => {
  it('refuses a bad field list once, naming each problem by path', () => {
    const bad = [
      { name: '', type: 'string' },
      { name: 'a', type: 'int' },
      { name: 'a', type: 'int' },
      { name: 'b', type: 'decimal' },
      { name: 'c', type: 'int', default: 'seven' },
      { name: 'd', type: 'int', default: null },
      { name: 'e', type: 'int', nullable: 'yes' },
    ] as unknown as FieldSpec[];
    const err = thrown(() => compileRecordValidator(bad), StagingOptionsError);
    expect(err.code).to.equal('TRIB_STAGING_FIELD_SPEC_INVALID');
    expect(err.issues.map((i) => i.path)).to.deep.equal([
      'fields[0].name',
      'fields[2].name',
      'fields[3].type',
      'fields[4].default',
      'fields[5].default',
      'fields[6].nullable',
    ]);
  });

  it('coerces a timestamp default given as ISO-8601 once', () => {
    const validate = compileRecordValidator([{ name: 't', type: 'timestamp', default: '2024-01-01T00:00:00Z' }]);
    expect(validate({})).to.deep.equal({ ok: true, record: { t: Date.UTC(2024, 0, 1) } });
  });

  it('refuses an unknown policy value and leaves the caller policy alone', () => {
    const policy = Object.freeze({ source: 'csv' as const });
    compileRecordValidator(fields, policy);
    expect(policy).to.deep.equal({ source: 'csv' });
    const err = thrown(() => compileRecordValidator(fields, { extraFields: 'ignore' } as never), StagingOptionsError);
    expect(err.code).to.equal('TRIB_STAGING_OPTIONS_INVALID');
    expect(err.issues[0]?.path).to.equal('extraFields');
  });
});
