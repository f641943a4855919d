import { expect } from 'chai';
import { MALFORMED_CODE, rejectedRecordText, sourceFormat, stageRawRecord } from '../src/staging/stage-record.js';
import { compileVersionPlan } from '../src/staging/version-plan.js';
import { parseWindowMs } from '../src/staging/window.js';
import { stagingTopics } from '../src/staging/topics.js';
import { parseDefinition } from '@tributary/pipelines';

const definition = (extra: Record<string, unknown> = {}) =>
  parseDefinition(
    JSON.stringify({
      id: 'p1',
      name: 'P',
      stages: [],
      input: { schema: [{ name: 'id', type: 'string' }, { name: 'n', type: 'int' }, { name: 'at', type: 'timestamp' }] },
      ...extra,
    }),
  );
const plan = compileVersionPlan({ pipelineId: 'p1', version: 3, definition: definition() });
const raw = (value: string | Buffer, headers: Record<string, string> = { 'record-id': 'r-1', 'batch-id': 'b-1' }) => ({
  value: typeof value === 'string' ? Buffer.from(value) : value,
  headers,
  topic: 't.data.p1.raw',
  partition: 0,
  offset: '7',
});

describe('stageRawRecord', function () {
  it('keeps the ingest record id and coerces to the input schema', function () {
    const out = stageRawRecord(raw('{"id":"a","n":1,"at":"2026-01-01T00:00:00Z","x":1}'), plan);
    expect(out).to.deep.equal({ kind: 'staged', recordId: 'r-1', batchId: 'b-1', record: { id: 'a', n: 1, at: Date.parse('2026-01-01T00:00:00Z') }, dedupeKey: undefined });
  });

  it('rejects JSON that does not parse, and bytes that are not UTF-8, as TRIB_RECORD_MALFORMED', function () {
    for (const value of ['{"id":', Buffer.from([0xc3, 0x28])]) {
      const out = stageRawRecord(raw(value), plan);
      expect(out.kind).to.equal('rejected');
      if (out.kind === 'rejected') expect(out.errors.map((e) => [e.field, e.code])).to.deep.equal([[null, MALFORMED_CODE]]);
    }
  });

  it('reports every field error, and the whole record as field null', function () {
    const out = stageRawRecord(raw('{"n":"x","at":1}'), plan);
    expect(out.kind === 'rejected' && out.errors.map((e) => [e.field, e.code])).to.deep.equal([
      ['id', 'TRIB_RECORD_FIELD_REQUIRED'],
      ['n', 'TRIB_RECORD_FIELD_TYPE'],
    ]);
    const array = stageRawRecord(raw('[1]'), plan);
    expect(array.kind === 'rejected' && array.errors[0]).to.include({ field: null, code: 'TRIB_RECORD_NOT_OBJECT' });
  });

  it('gives a record without record-id a deterministic id from where it lies', function () {
    const a = stageRawRecord(raw('{"id":"a","n":1,"at":1}', {}), plan);
    const b = stageRawRecord(raw('{"id":"a","n":1,"at":1}', {}), plan);
    expect(a.recordId).to.match(/^r-[0-9a-f]{32}$/).and.equal(b.recordId);
    expect(a.batchId).to.equal(undefined);
  });

  it('uses CSV coercion for records ingested as CSV', function () {
    const out = stageRawRecord(raw('{"id":"a","n":"42","at":"5"}', { 'content-type': 'text/csv' }), plan);
    expect(out.kind === 'staged' && out.record).to.deep.equal({ id: 'a', n: 42, at: 5 });
    expect(sourceFormat('application/json')).to.equal('json');
  });

  it('gives records with the same key the same dedupe key when the pipeline dedupes', function () {
    const deduping = compileVersionPlan({ pipelineId: 'p1', version: 1, definition: definition({ key: ['id'], dedupe: { window: '5m' } }) });
    expect(deduping.dedupe).to.deep.equal({ keyFields: ['id'], windowMs: 300_000, maxKeys: undefined });
    const a = stageRawRecord(raw('{"id":"a","n":1,"at":1}'), deduping);
    const b = stageRawRecord(raw('{"id":"a","n":2,"at":2}', { 'record-id': 'r-2' }), deduping);
    expect(a.kind === 'staged' && a.dedupeKey).to.be.a('string').and.equal(b.kind === 'staged' && b.dedupeKey);
  });
});

describe('rejectedRecordText', function () {
  it('cuts at the byte limit, never inside a character', function () {
    expect(rejectedRecordText(Buffer.from('abc'), 10)).to.equal('abc');
    expect(rejectedRecordText(Buffer.from('aé'), 2)).to.equal('a');
    expect(Buffer.byteLength(rejectedRecordText(Buffer.from('x'.repeat(70_000)), 65_536))).to.equal(65_536);
  });
});

describe('parseWindowMs and stagingTopics', function () {
  it('reads definition windows', function () {
    expect([parseWindowMs('500ms'), parseWindowMs('10m'), parseWindowMs('2h'), parseWindowMs('0s'), parseWindowMs('1w')]).to.deep.equal([
      500, 600_000, 7_200_000, undefined, undefined,
    ]);
  });

  it('names topics and finds the pipeline of a raw topic', function () {
    const t = stagingTopics('acme');
    expect([t.raw('p1'), t.staged('p1'), t.rejected('p1'), t.stagingEvents, t.pipelineEvents]).to.deep.equal([
      'acme.data.p1.raw',
      'acme.data.p1.staged',
      'acme.data.p1.rejected',
      'acme.staging.events',
      'acme.pipeline.events',
    ]);
    expect([t.pipelineIdOfRaw('acme.data.p1.raw'), t.pipelineIdOfRaw('acme.data.p1.staged'), t.pipelineIdOfRaw('other.data.p1.raw')]).to.deep.equal([
      'p1',
      undefined,
      undefined,
    ]);
  });
});
