import { waitFor, uniqueName } from '@tributary/testing';
import { expect } from 'chai';
import type { Consumer } from 'kafkajs';
import request from 'supertest';
import { bearer, expectErrorShape, keys, testCpm, type TestCpm } from './helpers.js';

const fields = [
  { name: 'id', type: 'int' as const },
  { name: 'name', type: 'string' as const },
  { name: 'at', type: 'timestamp' as const, nullable: true },
];

interface RawMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

describe('CPM ingest and HTTP edge (real Kafka)', () => {
  let cpm: TestCpm;
  let pipelineId: string;
  let topic: string;
  const consumers: Consumer[] = [];

  before(async () => {
    cpm = testCpm({ options: { ingestLimits: { maxBodyBytes: 4096, maxRecords: 20 } } });
    pipelineId = uniqueName('cpm');
    topic = `tributary.data.${pipelineId}.raw`;
    await cpm.admin.connect();
    await cpm.admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    cpm.pipelines.set(pipelineId, fields);
  });
  after(async () => {
    for (const c of consumers) await c.disconnect();
    await cpm.close();
  });

  const ingest = (body: string, type = 'application/json', key = keys.operator) =>
    request(cpm.app).post(`/api/v1/pipelines/${pipelineId}/records`).set('Authorization', bearer(key)).set('Content-Type', type).send(body);

  async function readRaw(count: number): Promise<RawMessage[]> {
    const consumer = cpm.kafka.consumer({ groupId: uniqueName('cpm-read') });
    consumers.push(consumer);
    const seen: RawMessage[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        seen.push({ key: String(message.key), value: String(message.value), headers });
        return Promise.resolve();
      },
    });
    await waitFor(() => seen.length >= count, { what: `${count} records on ${topic}` });
    return seen;
  }

  it('answers /healthz, /readyz and /metrics', async () => {
    await request(cpm.app).get('/healthz').expect(200, { status: 'alive' });
    const ready = await request(cpm.app).get('/readyz').expect(200);
    expect(ready.body).to.deep.equal({ status: 'ready', checks: { kafka: 'up', schemaRegistry: 'up' } });
    const metrics = await request(cpm.app).get('/metrics').expect(200);
    expect(metrics.text).to.include('tributary_messages_published_total');
  });

  it('401 without a key or with an unknown one', async () => {
    const none = await request(cpm.app).post(`/api/v1/pipelines/${pipelineId}/records`).send('[]').expect(401);
    expect(expectErrorShape(none.body).code).to.equal('TRIB_AUTH_MISSING');
    expect(none.headers['www-authenticate']).to.match(/^Bearer/);
    const wrong = await ingest('[]', 'application/json', 'not-a-key-0123456789abcdef').expect(401);
    expect(expectErrorShape(wrong.body).code).to.equal('TRIB_AUTH_INVALID');
    const basic = await request(cpm.app).get('/api/v1/whoami').set('Authorization', `Basic ${keys.admin}`).expect(401);
    expect(expectErrorShape(basic.body).code).to.equal('TRIB_AUTH_INVALID');
  });

  it('403 for a viewer ingesting; viewers may read', async () => {
    const res = await ingest('[{"id":1,"name":"a"}]', 'application/json', keys.viewer).expect(403);
    expect(expectErrorShape(res.body)).to.deep.include({ code: 'TRIB_FORBIDDEN', details: { required: 'operator', role: 'viewer' } });
    await request(cpm.app).get('/api/v1/whoami').set('Authorization', bearer(keys.viewer)).expect(200, { role: 'viewer' });
    await ingest('[{"id":1,"name":"admin may too"}]', 'application/json', keys.admin).expect(202);
  });

  it('404 for an unknown pipeline and an unknown route', async () => {
    const res = await request(cpm.app)
      .post('/api/v1/pipelines/no-such-pipeline/records')
      .set('Authorization', bearer(keys.operator))
      .set('Content-Type', 'application/json')
      .send('[{"id":1}]')
      .expect(404);
    expect(expectErrorShape(res.body)).to.deep.include({ code: 'TRIB_PIPELINE_NOT_FOUND', details: { pipelineId: 'no-such-pipeline' } });
    const route = await request(cpm.app).get('/api/v1/nothing-here').expect(404);
    expect(expectErrorShape(route.body).code).to.equal('TRIB_ROUTE_NOT_FOUND');
  });

  it('400 for malformed JSON, with line, column and position', async () => {
    const res = await ingest('[{"id":1,"name":"a"},\n {"id":2,,}]').expect(400);
    const error = expectErrorShape(res.body);
    expect(error.code).to.equal('TRIB_INGEST_MALFORMED');
    expect(error.details).to.include({ line: 2, column: 10, position: 31 });
    expect(error.details.column).to.be.a('number');
  });

  it('400 for a malformed NDJSON line, naming the line', async () => {
    const res = await ingest('{"id":1,"name":"a"}\n{"id":2\n', 'application/x-ndjson').expect(400);
    expect(expectErrorShape(res.body)).to.deep.include({ code: 'TRIB_INGEST_MALFORMED' });
    expect((res.body as { error: { details: { line: number } } }).error.details.line).to.equal(2);
  });

  it('413 for a body over the limit, and for too many records', async () => {
    const big = JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: i, name: 'x'.repeat(20) })));
    const res = await ingest(big).expect(413);
    expect(expectErrorShape(res.body)).to.deep.include({ code: 'TRIB_INGEST_TOO_LARGE' });
    expect(res.body).to.have.nested.property('error.details.limit', 'maxBodyBytes');
    const many = await ingest(JSON.stringify(Array.from({ length: 21 }, (_, i) => ({ id: i, name: 'n' })))).expect(413);
    expect(many.body).to.have.nested.property('error.details.limit', 'maxRecords');
  });

  it('415 for an unsupported content type', async () => {
    const res = await ingest('id,name', 'text/plain').expect(415);
    expect(expectErrorShape(res.body)).to.deep.include({ code: 'TRIB_INGEST_UNSUPPORTED_MEDIA_TYPE' });
  });

  it('422 when every record is rejected, with per-record errors', async () => {
    const res = await ingest('[{"id":"1","name":"a"},{"name":2},7]').expect(422);
    const error = expectErrorShape(res.body);
    expect(error.code).to.equal('TRIB_INGEST_ALL_REJECTED');
    const errors = error.details.errors as { index: number; errors: { field: string; code: string }[] }[];
    expect(errors.map((e) => e.index)).to.deep.equal([0, 1, 2]);
    expect(errors[0]?.errors.map((e) => `${e.field}:${e.code}`)).to.deep.equal(['id:TRIB_RECORD_FIELD_TYPE']);
    expect(errors[1]?.errors.map((e) => `${e.field}:${e.code}`)).to.deep.equal(['id:TRIB_RECORD_FIELD_REQUIRED', 'name:TRIB_RECORD_FIELD_TYPE']);
    expect(errors[2]?.errors.map((e) => e.code)).to.deep.equal(['TRIB_RECORD_NOT_OBJECT']);
  });

  it('202 with counts, and exactly the accepted records on .raw keyed by record id with headers', async () => {
    // Earlier tests wrote to this topic too (the admin ingest): count on from what is there.
    const offsets = await cpm.admin.fetchTopicOffsets(topic);
    const before = offsets.reduce((n, p) => n + Number(p.high), 0);
    const records = [
      { id: 1, name: 'ok', at: '2024-01-01T00:00:00Z' },
      { id: 'two', name: 'bad' },
      { id: 3, name: 'ok too', extra: true },
      { name: 'missing id' },
      { id: 5, name: 'five', at: null },
    ];
    const res = await ingest(JSON.stringify(records)).set('X-Request-Id', 'req-partial-1').expect(202);
    const body = res.body as { accepted: number; rejected: number; batchId: string; errors: { index: number }[] };
    expect(body).to.include({ accepted: 3, rejected: 2 });
    expect(body.errors.map((e) => e.index)).to.deep.equal([1, 3]);
    expect(res.headers['x-batch-id']).to.equal(body.batchId);
    expect(res.headers['x-request-id']).to.equal('req-partial-1');

    const all = await readRaw(before + 3);
    const mine = all.filter((m) => m.headers['batch-id'] === body.batchId);
    expect(mine).to.have.length(3);
    expect(mine.map((m) => JSON.parse(m.value) as unknown)).to.have.deep.members([records[0], records[2], records[4]]);
    for (const m of mine) {
      expect(m.key).to.match(/^r-[0-9a-f]{16,}$/);
      expect(m.headers).to.include({
        'event-type': 'tributary.data.RawRecord',
        'record-id': m.key,
        'content-type': 'application/json',
        'correlation-id': 'req-partial-1',
      });
    }
    expect(new Set(mine.map((m) => m.key)).size).to.equal(3);
  });

  it('keys records by the definition\'s key fields: the same key gets the same record id, whatever the format', async () => {
    cpm.pipelines.set(pipelineId, fields, ['id']);
    try {
      const offsets = await cpm.admin.fetchTopicOffsets(topic);
      const before = offsets.reduce((n, p) => n + Number(p.high), 0);
      const json = await ingest('[{"id":41,"name":"a"},{"id":42,"name":"b"},{"id":41,"name":"again"}]').expect(202);
      const csv = await ingest('id,name\n41,from csv\n', 'text/csv').expect(202);
      const all = await readRaw(before + 4);
      const batches = new Set([(json.body as { batchId: string }).batchId, (csv.body as { batchId: string }).batchId]);
      const keyOf = new Map(
        all.filter((m) => batches.has(m.headers['batch-id']!)).map((m) => [(JSON.parse(m.value) as { name: string }).name, m.key]),
      );
      expect(keyOf.size).to.equal(4);
      expect(keyOf.get('a')).to.match(/^k-[0-9a-f]{16,}$/);
      expect(keyOf.get('again')).to.equal(keyOf.get('a'));
      expect(keyOf.get('from csv')).to.equal(keyOf.get('a'));
      expect(keyOf.get('b')).to.match(/^k-/).and.not.equal(keyOf.get('a'));
    } finally {
      cpm.pipelines.set(pipelineId, fields);
    }
  });

  it('accepts NDJSON and CSV, naming lines of rejected records; CSV records say their source', async () => {
    const offsets = await cpm.admin.fetchTopicOffsets(topic);
    const before = offsets.reduce((n, p) => n + Number(p.high), 0);
    const nd = await ingest('{"id":1,"name":"a"}\n\n{"id":"x","name":"b"}\n', 'application/x-ndjson').expect(202);
    expect(nd.body).to.deep.include({ accepted: 1, rejected: 1 });
    expect(nd.body).to.have.nested.property('errors[0].line', 3);
    const csv = await ingest('id,name,at\n1,a,\nnope,b,\n3,c,2024-01-01\n', 'text/csv').expect(202);
    expect(csv.body).to.deep.include({ accepted: 2, rejected: 1 });
    expect(csv.body).to.have.nested.property('errors[0].line', 3);

    const all = await readRaw(before + 3);
    const contentTypes = (batchId: unknown) => all.filter((m) => m.headers['batch-id'] === batchId).map((m) => m.headers['content-type']);
    expect(contentTypes((nd.body as { batchId: string }).batchId)).to.deep.equal(['application/json']);
    expect(contentTypes((csv.body as { batchId: string }).batchId)).to.deep.equal(['application/json; source=csv', 'application/json; source=csv']);
  });

  it('echoes a valid X-Request-Id and replaces a missing or invalid one', async () => {
    const kept = await request(cpm.app).get('/healthz').set('X-Request-Id', 'abc-123').expect(200);
    expect(kept.headers['x-request-id']).to.equal('abc-123');
    const replaced = await request(cpm.app).get('/healthz').set('X-Request-Id', 'has spaces & <html>').expect(200);
    expect(replaced.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
    const generated = await request(cpm.app).get('/nope').expect(404);
    expect(generated.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
    expect(cpm.logLines.some((l) => l.includes('"requestId":"abc-123"'))).to.equal(true);
  });

  it('answers an unexpected failure 500 with the request id and no stack', async () => {
    const original = cpm.pipelines.getInput.bind(cpm.pipelines);
    cpm.pipelines.getInput = () => {
      throw new Error('directory exploded at /secret/path');
    };
    try {
      const res = await ingest('[{"id":1,"name":"a"}]').set('X-Request-Id', 'req-boom').expect(500);
      const error = expectErrorShape(res.body);
      expect(error).to.deep.equal({ code: 'TRIB_INTERNAL', message: 'internal error; quote request id req-boom', details: { requestId: 'req-boom' } });
      expect(res.text).not.to.include('exploded');
      expect(res.text).not.to.match(/\n\s+at /);
    } finally {
      cpm.pipelines.getInput = original;
    }
  });

  it('never logs an API key', () => {
    const logs = cpm.logLines.join('');
    expect(cpm.logLines.length).to.be.greaterThan(5);
    for (const key of Object.values(keys)) expect(logs).not.to.include(key);
  });
});
