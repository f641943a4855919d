import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { StagingOptionsError, canonicalJson, compileRecordValidator, recordId } from '../src/index.js';
import { thrown } from './helpers.js';

const sha = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 32);

describe('canonicalJson', () => {
  it('sorts keys at every depth, writes no whitespace and numbers as JSON does', () => {
    expect(canonicalJson({ b: [1, { d: 1, c: 'é\n' }], a: null, u: undefined, n: 1.0, e: 1e21, z: -0 })).to.equal(
      '{"a":null,"b":[1,{"c":"é\\n","d":1}],"e":1e+21,"n":1,"z":0}',
    );
  });

  it('does not depend on the order keys were inserted in', () => {
    expect(canonicalJson({ x: 1, y: { q: 1, p: 2 } })).to.equal(canonicalJson({ y: { p: 2, q: 1 }, x: 1 }));
  });
});

describe('recordId', () => {
  // Pinned values: if one changes, every id of every pipeline changes and dedupe breaks across the
  // deploy. They are also recomputed here from the documented rule, independently of the code.
  it('gives the documented, pinned id for key fields: k- + sha256 of the canonical key object', () => {
    const id = recordId({ id: 42, name: 'ann' }, { keyFields: ['id'], batchId: 'b1', index: 0 });
    expect(id).to.equal('k-17b4db064e17f4878e391177e6ca623b');
    expect(id).to.equal(`k-${sha('{"id":42}')}`);
    expect(recordId({ region: 'eu', id: 42, v: 1 }, { keyFields: ['region', 'id'], batchId: 'b', index: 0 })).to.equal(
      'k-f7e8b13ec115c0f19332e31a184e3e09',
    );
  });

  it('hashes with key fields exactly the canonical JSON of the key object, whatever the names and values', () => {
    const record = JSON.parse('{"b":"x","a":1.5,"__proto__":"p","é":true,"n":null,"o":{"z":1,"y":[2]}}') as Record<string, unknown>;
    const lists = [['a'], ['b', 'a'], ['a', 'b', 'a'], ['missing', 'a'], ['__proto__', 'é', 'n'], ['o', 'b'], ['Z', 'a', '_', '10', '9']];
    for (const keyFields of lists) {
      const key = Object.fromEntries(keyFields.map((f) => [f, Object.hasOwn(record, f) ? (record[f] ?? null) : null]));
      expect(recordId(record, { keyFields, batchId: 'b', index: 0 }), keyFields.join()).to.equal(`k-${sha(canonicalJson(key))}`);
    }
  });

  it('gives the documented, pinned id without key fields: r- + sha256 of [batchId, index, record]', () => {
    const id = recordId({ b: 2, a: 'x' }, { batchId: 'batch-1', index: 3 });
    expect(id).to.equal('r-d3e07999bf4961f35a0c67fb506eaa13');
    expect(id).to.equal(`r-${sha('["batch-1",3,{"a":"x","b":2}]')}`);
  });

  it('with key fields, depends only on the key values, not on other fields, batch, index or key order', () => {
    const a = recordId({ id: 1, region: 'eu', v: 'first' }, { keyFields: ['id', 'region'], batchId: 'b1', index: 0 });
    const b = recordId({ v: 'second', region: 'eu', id: 1 }, { keyFields: ['region', 'id'], batchId: 'b9', index: 77 });
    expect(a).to.equal(b);
    expect(recordId({ id: 2, region: 'eu' }, { keyFields: ['id', 'region'], batchId: 'b1', index: 0 })).not.to.equal(a);
    // A missing key field hashes as null, so it is still a stable id.
    expect(recordId({ id: 1 }, { keyFields: ['id', 'region'], batchId: 'x', index: 0 })).to.equal(
      recordId({ id: 1, region: null }, { keyFields: ['id', 'region'], batchId: 'y', index: 1 }),
    );
  });

  it('without key fields, tells identical records apart by batch and index, and gives a replay the same ids', () => {
    const record = { amount: 10, at: 1_700_000_000_000 };
    const ids = (batchId: string) => [0, 1].map((index) => recordId({ ...record }, { batchId, index }));
    const first = ids('req-1');
    expect(first[0]).not.to.equal(first[1]);
    expect(ids('req-2')).not.to.include.members(first);
    expect(ids('req-1')).to.deep.equal(first);
    expect(recordId({ amount: 11, at: 1_700_000_000_000 }, { batchId: 'req-1', index: 0 })).not.to.equal(first[0]);
  });

  it('agrees on a record whether it came as CSV text or JSON numbers, because it hashes the coerced record', () => {
    const fields = [{ name: 'id', type: 'long' as const }, { name: 'ok', type: 'boolean' as const }];
    const fromCsv = compileRecordValidator(fields, { source: 'csv' })({ id: '007', ok: 'TRUE' });
    const fromJson = compileRecordValidator(fields)({ id: 7, ok: true });
    if (!fromCsv.ok || !fromJson.ok) return expect.fail('both records should validate');
    expect(recordId(fromCsv.record, { batchId: 'b', index: 0 })).to.equal(recordId(fromJson.record, { batchId: 'b', index: 0 }));
  });

  it('treats an empty key list as no key, which then needs a batch id and an index', () => {
    expect(recordId({ a: 1 }, { keyFields: [], batchId: 'b', index: 0 })).to.match(/^r-[0-9a-f]{32}$/);
    for (const origin of [{ batchId: '', index: 0 }, { batchId: 'b', index: -1 }, { batchId: 'b', index: 1.5 }]) {
      const err = thrown(() => recordId({ a: 1 }, origin), StagingOptionsError);
      expect(err.code).to.equal('TRIB_STAGING_OPTIONS_INVALID');
    }
  });
});
