import { expect } from 'chai';
import {
  IngestTooLargeError,
  StagingOptionsError,
  ingestLimitDefaults,
  parseRecords,
  resolveIngestLimits,
} from '../src/index.js';
import { thrown } from './helpers.js';

const ndjsonOf = (n: number): string => Array.from({ length: n }, (_, i) => `{"i":${i}}`).join('\n');
const csvOf = (n: number): string => ['i', ...Array.from({ length: n }, (_, i) => String(i))].join('\n');
const jsonOf = (n: number): string => JSON.stringify(Array.from({ length: n }, (_, i) => ({ i })));

describe('ingest limits', () => {
  it('documents its defaults in one frozen object: 10,000 records, 64 KiB a record, 16 MiB a body', () => {
    expect(ingestLimitDefaults).to.deep.equal({ maxRecords: 10_000, maxRecordBytes: 65_536, maxBodyBytes: 16_777_216 });
    expect(Object.isFrozen(ingestLimitDefaults)).to.equal(true);
  });

  it('accepts exactly the default number of records, in every format', () => {
    expect(parseRecords(jsonOf(10_000), 'application/json').records).to.have.length(10_000);
    expect(parseRecords(ndjsonOf(10_000), 'application/x-ndjson').records).to.have.length(10_000);
    expect(parseRecords(csvOf(10_000), 'text/csv').records).to.have.length(10_000);
  });

  it('gives each record as the JSON text its size was measured on, in every format', () => {
    for (const [body, contentType] of [
      ['[{"b": 1, "a": "é"}, [1, 2], "x"]', 'application/json'],
      ['{"b": 1,  "a": "é"}\n[1,2]\n"x"', 'application/x-ndjson'],
      ['b,a\n1,é\n2,"x, y"', 'text/csv'],
    ] as const) {
      const parsed = parseRecords(body, contentType);
      expect(parsed.texts, contentType).to.deep.equal(parsed.records.map((r) => JSON.stringify(r)));
    }
    const err = thrown(() => parseRecords('[{"a":"12345"}]', 'application/json', { maxRecordBytes: Buffer.byteLength('{"a":"1234"}') }), IngestTooLargeError);
    expect(err.details).to.include({ limit: 'maxRecordBytes', actual: Buffer.byteLength('{"a":"12345"}') });
  });

  for (const [format, contentType, body] of [
    ['JSON', 'application/json', jsonOf(4)],
    ['NDJSON', 'application/x-ndjson', ndjsonOf(4)],
    ['CSV', 'text/csv', csvOf(4)],
  ] as const) {
    it(`refuses one record more than maxRecords in ${format} with TRIB_INGEST_TOO_LARGE`, () => {
      expect(parseRecords(body, contentType, { maxRecords: 4 }).records).to.have.length(4);
      const err = thrown(() => parseRecords(body, contentType, { maxRecords: 3 }), IngestTooLargeError);
      expect(err.code).to.equal('TRIB_INGEST_TOO_LARGE');
      expect(err.retriable).to.equal(false);
      expect(err.details).to.deep.include({ limit: 'maxRecords', max: 3, actual: 4 });
    });
  }

  it('stops reading NDJSON and CSV at the limit, before a syntax error further on', () => {
    const ndjson = `${ndjsonOf(3)}\n{not json`;
    expect(thrown(() => parseRecords(ndjson, 'application/x-ndjson', { maxRecords: 2 }), IngestTooLargeError)).to.exist;
    const csv = `${csvOf(3)}\n"unclosed`;
    expect(thrown(() => parseRecords(csv, 'text/csv', { maxRecords: 2 }), IngestTooLargeError)).to.exist;
  });

  it('measures a record as the UTF-8 bytes of its JSON and names the first one too big', () => {
    // {"s":"ééé"} is 14 bytes: 8 of syntax and 3 two-byte characters.
    const records = [{ s: 'a' }, { s: 'ééé' }, { s: 'éééé' }];
    expect(parseRecords(JSON.stringify(records.slice(0, 2)), 'application/json', { maxRecordBytes: 14 }).records).to.have.length(2);
    const err = thrown(() => parseRecords(JSON.stringify(records), 'application/json', { maxRecordBytes: 14 }), IngestTooLargeError);
    expect(err.details).to.deep.equal({ limit: 'maxRecordBytes', max: 14, actual: 16, index: 2 });
  });

  it('names the line of a record too big in NDJSON and CSV, measured the same way', () => {
    const ndjson = '{"s":"a"}\n\n{"s":"' + 'x'.repeat(100) + '"}';
    const n = thrown(() => parseRecords(ndjson, 'application/x-ndjson', { maxRecordBytes: 50 }), IngestTooLargeError);
    expect(n.details).to.deep.include({ limit: 'maxRecordBytes', index: 1, line: 3, actual: 108 });
    const csv = 's\na\n"' + 'x\n'.repeat(10) + '"\n';
    const c = thrown(() => parseRecords(csv, 'text/csv', { maxRecordBytes: 20 }), IngestTooLargeError);
    // {"s":"x\nx\n…"}: 8 bytes of syntax and 10 × 3 (x, backslash, n).
    expect(c.details).to.deep.include({ limit: 'maxRecordBytes', index: 1, line: 3, actual: 38 });
  });

  it('refuses a body over maxBodyBytes before decoding it', () => {
    const body = Buffer.concat([Buffer.from('['), Buffer.from([0xff, 0xfe]), Buffer.from(']')]);
    const err = thrown(() => parseRecords(body, 'application/json', { maxBodyBytes: 3 }), IngestTooLargeError);
    expect(err.details).to.deep.equal({ limit: 'maxBodyBytes', max: 3, actual: 4 });
  });

  it('validates overrides without modifying them', () => {
    const overrides = Object.freeze({ maxRecords: 5 });
    expect(resolveIngestLimits(overrides)).to.deep.equal({ ...ingestLimitDefaults, maxRecords: 5 });
    expect(overrides).to.deep.equal({ maxRecords: 5 });
    const err = thrown(() => resolveIngestLimits({ maxRecords: 0, maxRecordBytes: 1.5 }), StagingOptionsError);
    expect(err.code).to.equal('TRIB_STAGING_OPTIONS_INVALID');
    expect(err.issues.map((i) => i.path)).to.have.members(['maxRecords', 'maxRecordBytes']);
  });
});
