import { loadConfig } from '@tributary/config';
import { createEventCodec, createSchemaRegistryClient, type QuarantinedRecord, type SchemaRegistryClient } from '@tributary/schemas';
import { uniqueName } from '@tributary/testing';
import { expect } from 'chai';
import type { Producer } from 'kafkajs';
import request from 'supertest';
import { encodeQuarantineCursor } from '../src/quality/quarantine-cursor.js';
import { stored } from './fakes.js';
import { bearer, expectErrorShape, keys, testCpm, type TestCpm } from './helpers.js';

interface RecordView {
  partition: number;
  offset: number;
  recordId: string;
  runId: string | null;
  pipelineVersion: number;
  quarantinedAt: string;
  failures: { ruleId: string; ruleType: string; severity: string; field: string | null; value: string | null; message: string }[];
  source: { topic: string; partition: number; offset: number };
  record: unknown;
  recordFormat: 'json' | 'text';
}
interface Page {
  pipelineId: string;
  records: RecordView[];
  undecodable: { partition: number; offset: number; timestamp: string; error: { code: string; message: string } }[];
  nextCursor: string | null;
  scanned: number;
}

const TYPE = 'tributary.quality.QuarantinedRecord';
/** Which rules record i failed: amount for 0, 2, 3, 5, 6, 8, 9; name for 1, 2, 4, 5, 7, 8. */
const rulesOf = (i: number) => (i % 3 === 0 ? ['amount-positive'] : i % 3 === 1 ? ['name-present'] : ['amount-positive', 'name-present']);

// The route on the real broker and registry: QuarantinedRecords written transactionally (as the quality
// manager writes them) to two partitions, an aborted transaction, and one message that is not Avro.
describe('GET /pipelines/:id/quarantine (real Kafka)', () => {
  let cpm: TestCpm;
  let registry: SchemaRegistryClient;
  const producers: Producer[] = [];
  let pipelineId: string;
  let topic: string;
  /** Quarantine time of record i is base + i s; its message time is the same. */
  let base: number;
  /** partition:offset of the message that is not Avro. */
  let garbage: { partition: number; offset: number };

  before(async () => {
    cpm = testCpm();
    registry = createSchemaRegistryClient({ url: loadConfig().schemaRegistry.url, clientId: 'cpm-quarantine-test' });
    pipelineId = uniqueName('qbrowse');
    topic = `${loadConfig().topicPrefix}.data.${pipelineId}.quarantine`;
    cpm.definitions.put(stored(pipelineId));
    await cpm.admin.connect();
    await cpm.admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });

    const codec = createEventCodec({ registry });
    base = Date.now() - 10 * 60_000;
    const quarantined = (i: number, recordId = `r${i}`): QuarantinedRecord => ({
      pipelineId,
      runId: i === 0 ? null : 'run-1',
      recordId,
      pipelineVersion: 1,
      sourceTopic: `tributary.data.${pipelineId}.processed`,
      sourcePartition: i % 2,
      sourceOffset: 100 + i,
      // Record 9 was not JSON when it was quarantined: it is shown as text.
      record: i === 9 ? 'not json {' : JSON.stringify({ id: i, amount: -i, name: null }),
      failures: rulesOf(i).map((ruleId) => ({
        ruleId,
        ruleType: ruleId === 'amount-positive' ? 'in_range' : 'not_null',
        severity: 'error',
        field: ruleId === 'amount-positive' ? 'amount' : 'name',
        value: ruleId === 'amount-positive' ? String(-i) : 'null',
        message: `${ruleId} failed`,
      })),
      quarantinedAt: base + i * 1_000,
    });
    const message = async (i: number, recordId?: string) => ({
      partition: i % 2,
      key: recordId ?? `r${i}`,
      value: await codec.encode(topic, TYPE, quarantined(i, recordId)),
      timestamp: String(base + i * 1_000),
    });

    const producer = cpm.kafka.producer({ transactionalId: uniqueName('qbrowse-tx'), idempotent: true, maxInFlightRequests: 1 });
    producers.push(producer);
    await producer.connect();
    // Three committed transactions and an aborted one: markers between and after the records.
    for (const batch of [
      [0, 1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]) {
      const tx = await producer.transaction();
      await tx.send({ topic, messages: await Promise.all(batch.map((i) => message(i))) });
      await tx.commit();
      if (batch[0] === 4) {
        const aborted = await producer.transaction();
        await aborted.send({ topic, messages: [await message(4, 'r-aborted-0'), await message(5, 'r-aborted-1')] });
        await aborted.abort();
      }
    }
    const plain = cpm.kafka.producer();
    producers.push(plain);
    await plain.connect();
    const [sent] = await plain.send({ topic, messages: [{ partition: 1, key: 'junk', value: Buffer.from('not avro at all'), timestamp: String(base + 4_500) }] });
    garbage = { partition: 1, offset: Number(sent?.baseOffset) };
  });

  after(async () => {
    for (const p of producers) await p.disconnect();
    await registry.close();
    await cpm.close();
  });

  const get = (query: Record<string, string>, key = keys.viewer, id = pipelineId) =>
    request(cpm.app).get(`/api/v1/pipelines/${id}/quarantine`).query(query).set('Authorization', bearer(key));

  /** Every page of a query, following nextCursor until it is null. */
  async function allPages(query: Record<string, string>): Promise<Page[]> {
    const pages: Page[] = [];
    let cursor: string | null | undefined;
    do {
      const res = await get({ ...query, ...(cursor ? { cursor } : {}) }).expect(200);
      const page = res.body as Page;
      pages.push(page);
      cursor = page.nextCursor;
      expect(pages.length, 'pages').to.be.lessThan(30);
    } while (cursor !== null);
    return pages;
  }

  it('pages through every committed record exactly once with limit=2, reporting the message that is not Avro', async () => {
    const pages = await allPages({ limit: '2' });
    for (const p of pages) expect(p.records.length + p.undecodable.length).to.be.at.most(2);
    const records = pages.flatMap((p) => p.records);
    expect(records.map((r) => r.recordId).sort()).to.deep.equal(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9']);
    const positions = records.map((r) => `${r.partition}:${r.offset}`);
    expect(new Set(positions).size).to.equal(positions.length);
    // Offset order within a partition, across pages.
    for (const partition of [0, 1]) {
      const offsets = records.filter((r) => r.partition === partition).map((r) => r.offset);
      expect(offsets).to.deep.equal([...offsets].sort((a, b) => a - b));
    }
    const undecodable = pages.flatMap((p) => p.undecodable);
    expect(undecodable).to.have.length(1);
    expect(undecodable[0]).to.deep.include(garbage);
    expect(undecodable[0]?.error.code).to.equal('TRIB_CODEC_MALFORMED');
    expect(pages.length).to.be.at.least(6);
    expect(pages.reduce((n, p) => n + p.scanned, 0)).to.equal(11);

    const r2 = records.find((r) => r.recordId === 'r2');
    expect(r2).to.deep.include({ partition: 0, runId: 'run-1', pipelineVersion: 1, quarantinedAt: new Date(base + 2_000).toISOString(), recordFormat: 'json' });
    expect(r2?.record).to.deep.equal({ id: 2, amount: -2, name: null });
    expect(r2?.source).to.deep.equal({ topic: `tributary.data.${pipelineId}.processed`, partition: 0, offset: 102 });
    expect(r2?.failures).to.deep.equal([
      { ruleId: 'amount-positive', ruleType: 'in_range', severity: 'error', field: 'amount', value: '-2', message: 'amount-positive failed' },
      { ruleId: 'name-present', ruleType: 'not_null', severity: 'error', field: 'name', value: 'null', message: 'name-present failed' },
    ]);
    expect(records.find((r) => r.recordId === 'r0')?.runId).to.equal(null);
    expect(records.find((r) => r.recordId === 'r9')).to.deep.include({ record: 'not json {', recordFormat: 'text' });
  });

  it('filters by rule: exactly the records that failed it', async () => {
    for (const rule of ['amount-positive', 'name-present']) {
      const pages = await allPages({ rule, limit: '3' });
      const ids = pages.flatMap((p) => p.records.map((r) => r.recordId)).sort();
      const expected = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].filter((i) => rulesOf(i).includes(rule)).map((i) => `r${i}`);
      expect(ids, rule).to.deep.equal(expected.sort());
      for (const r of pages.flatMap((p) => p.records)) expect(r.failures.map((f) => f.ruleId)).to.include(rule);
    }
    const none = await allPages({ rule: 'no-such-rule' });
    expect(none.flatMap((p) => p.records)).to.deep.equal([]);
  });

  it('from/until select by quarantine time, starting at the offsets of `from`', async () => {
    const [page, ...more] = await allPages({ from: String(base + 3_000), until: new Date(base + 7_000).toISOString(), limit: '200' });
    expect(more).to.deep.equal([]);
    expect(page?.records.map((r) => r.recordId).sort()).to.deep.equal(['r3', 'r4', 'r5', 'r6']);
    expect(page?.undecodable.map((u) => u.offset)).to.deep.equal([garbage.offset]);
    // r0, r1 and r2 lie before the offsets of `from` and are never read.
    expect(page?.scanned).to.equal(8);

    const late = await allPages({ from: new Date(base + 8_000).toISOString() });
    expect(late.flatMap((p) => p.records.map((r) => r.recordId)).sort()).to.deep.equal(['r8', 'r9']);
  });

  it('400 for a bad cursor, limit, rule or time, in the error shape', async () => {
    const bad: Record<string, string>[] = [
      { cursor: 'not a cursor!' },
      { cursor: 'e30' }, // {}
      { cursor: Buffer.from('{"v":2,"next":{"0":1}}').toString('base64url') },
      { cursor: Buffer.from('{"v":1,"next":{"0":-1}}').toString('base64url') },
      { cursor: Buffer.from('{"v":1,"next":{"01":1}}').toString('base64url') },
      { cursor: Buffer.from('{"v":1,"next":{"0":1},"x":1}').toString('base64url') },
      { cursor: encodeQuarantineCursor(new Map([[7, '0']])) }, // no partition 7
      { cursor: encodeQuarantineCursor(new Map([[0, '999999']])) }, // past the end
      { limit: '0' },
      { limit: '201' },
      { limit: '2.5' },
      { limit: 'ten' },
      { rule: 'not a rule id' },
      { from: 'yesterday' },
      { until: '2024-01-01T00:00:00' }, // no zone
      { from: new Date(base + 5_000).toISOString(), until: new Date(base + 5_000).toISOString() },
    ];
    for (const query of bad) {
      const res = await get(query);
      expect(res.status, JSON.stringify(query)).to.equal(400);
      expect(expectErrorShape(res.body).code).to.equal('TRIB_REQUEST_INVALID');
    }
    const twice = await request(cpm.app).get(`/api/v1/pipelines/${pipelineId}/quarantine?limit=1&limit=2`).set('Authorization', bearer(keys.viewer)).expect(400);
    expect(expectErrorShape(twice.body).details).to.include({ parameter: 'limit' });
  });

  it('404 for an unknown pipeline, 401 without a key; an empty page when the topic does not exist yet', async () => {
    const unknown = await get({}, keys.viewer, 'no-such-pipeline').expect(404);
    expect(expectErrorShape(unknown.body).code).to.equal('TRIB_PIPELINE_NOT_FOUND');
    await request(cpm.app).get(`/api/v1/pipelines/${pipelineId}/quarantine`).expect(401);
    const fresh = uniqueName('qbrowse-new');
    cpm.definitions.put(stored(fresh));
    const res = await get({}, keys.viewer, fresh).expect(200);
    expect(res.body).to.deep.equal({ pipelineId: fresh, records: [], undecodable: [], nextCursor: null, scanned: 0 });
  });
});

describe('GET /pipelines/:id/quarantine while Kafka is unreachable', () => {
  const cpms: TestCpm[] = [];
  after(async () => {
    for (const c of cpms) await c.close();
  });

  for (const kafkaProbeAlwaysUp of [false, true]) {
    it(`answers 503 with Retry-After in a few seconds${kafkaProbeAlwaysUp ? ' (also when the probe passes)' : ''}`, async () => {
      const cpm = testCpm({ brokers: ['127.0.0.1:1'], kafkaProbeAlwaysUp, options: { kafkaProbeTimeoutMs: 1_000, retryAfterSeconds: 7 } });
      cpms.push(cpm);
      cpm.definitions.put(stored('q-dead'));
      const started = Date.now();
      const res = await request(cpm.app).get('/api/v1/pipelines/q-dead/quarantine').set('Authorization', bearer(keys.viewer));
      expect(res.status).to.equal(503);
      expect(Date.now() - started).to.be.lessThan(10_000);
      expect(res.headers['retry-after']).to.equal('7');
      expect(expectErrorShape(res.body).code).to.equal('TRIB_BROKER_UNREACHABLE');
    });
  }
});
