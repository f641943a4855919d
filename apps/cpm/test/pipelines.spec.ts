import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createLogger, createMetrics, type TributaryMetrics } from '@tributary/observability';
import { expect } from 'chai';
import express, { type Express } from 'express';
import request from 'supertest';
import { createCpmApp } from '../src/app.js';
import { parseApiKeys } from '../src/auth/api-keys.js';
import { definitionsDirectory } from '../src/ingest/pipeline-directory.js';
import { FakeBaselines, FakeDefinitions, FakeEvents, FakeQuality, fakeStreams, stored, yamlDefinition, fakeMonitoring } from './fakes.js';
import { apiKeysText, bearer, expectErrorShape, keys } from './helpers.js';

interface Sent {
  topic: string;
  type: string;
  value: Record<string, unknown>;
  options: { key?: string | null; priority?: string; correlationId?: string };
}

// Route tests on in-memory fakes of the ports: every status of the pipeline API (docs/cpm.md).
describe('pipeline routes', () => {
  let definitions: FakeDefinitions;
  let events: FakeEvents;
  let quality: FakeQuality;
  let sent: Sent[];
  let app: Express;
  let metrics: TributaryMetrics;
  let kafkaUp: boolean;

  beforeEach(() => {
    definitions = new FakeDefinitions();
    events = new FakeEvents();
    quality = new FakeQuality();
    sent = [];
    kafkaUp = true;
    metrics = createMetrics({ service: 'cpm-routes-test' });
    app = createCpmApp({
      config: { topicPrefix: 'tt' },
      logger: createLogger({ service: 'cpm-routes-test', level: 'silent' }),
      publisher: {
        publish: (topic, type, value, options = {}) => {
          sent.push({ topic, type, value: value as Record<string, unknown>, options });
          return Promise.resolve({ topic, eventId: 'e' });
        },
        publishRawBatch: () => Promise.resolve(),
      },
      kafkaProbe: { name: 'kafka', check: () => (kafkaUp ? Promise.resolve() : Promise.reject(new Error('down'))) },
      readiness: [],
      apiKeys: parseApiKeys(apiKeysText),
      metrics,
      pipelines: definitionsDirectory(definitions),
      definitions,
      events,
      quality,
      quarantine: { page: () => Promise.reject(new Error('no quarantine in this test')) },
      eventStreams: fakeStreams(events, { maxEventStreams: 1, eventHeartbeatMs: 50 }),
      monitoring: fakeMonitoring(),
      baselines: new FakeBaselines(),
      options: { commandTimeoutMs: 300, readAfterWriteMs: 200, processorTimeoutMs: 500, definitionMaxBytes: 2048, retryAfterSeconds: 4 },
    });
  });
  afterEach(() => metrics.close());

  const as = (key: string) => ({ Authorization: bearer(key) });
  const create = (body: string, key = keys.admin, type = 'application/yaml') =>
    request(app).post('/api/v1/pipelines').set(as(key)).set('Content-Type', type).send(body);

  describe('POST /pipelines', () => {
    it('201 with the pipeline, after sending CreatePipeline keyed by id with the request id as correlation id', async () => {
      events.answer = () => {
        definitions.put(stored('orders'));
        return { type: 'tributary.pipeline.PipelineCreated', pipelineId: 'orders', value: { pipelineId: 'orders', version: 1 } };
      };
      const res = await create(yamlDefinition('orders')).set('X-Request-Id', 'req-create-1').expect(201);
      expect(res.body).to.have.nested.property('pipeline.id', 'orders');
      expect(res.body).to.have.nested.property('pipeline.status', 'CREATED');
      expect(res.body).to.have.nested.property('pipeline.version', 1);
      expect(res.headers.etag).to.equal('"1"');
      expect(sent).to.have.length(1);
      expect(sent[0]).to.deep.include({ topic: 'tt.pipeline.commands', type: 'tributary.pipeline.CreatePipeline' });
      expect(sent[0]?.options).to.deep.include({ key: 'orders', priority: 'normal', correlationId: 'req-create-1' });
      expect(JSON.parse(String(sent[0]?.value.definition))).to.have.property('id', 'orders');
      expect(String(sent[0]?.value.requestedBy)).to.match(/^apikey:admin:[0-9a-f]{12}$/);
    });

    it('400 TRIB_DEFINITION_INVALID naming the field with line and column', async () => {
      const res = await create('id: orders\nname: x\ninput:\n  schema:\n    - { name: id, type: integr }\n').expect(400);
      const error = expectErrorShape(res.body);
      expect(error.code).to.equal('TRIB_DEFINITION_INVALID');
      const issues = error.details.issues as { field: string; line?: number; column?: number }[];
      expect(issues.length).to.be.greaterThan(0);
      expect(issues.some((i) => i.field.startsWith('input.schema[0]') && typeof i.line === 'number' && typeof i.column === 'number')).to.equal(true);
      expect(sent).to.have.length(0);
    });

    it('400 TRIB_DEFINITION_INVALID naming the rule and field of an invalid quality rule set', async () => {
      const definition = `${yamlDefinition('orders')}\nquality:\n  rules:\n    - { id: ok, type: not_null, field: id }\n    - { id: price-range, type: in_range, field: nope, min: 0 }\n`;
      const res = await create(definition).expect(400);
      const error = expectErrorShape(res.body);
      expect(error.code).to.equal('TRIB_DEFINITION_INVALID');
      const issues = error.details.issues as { path: string; field: string; message: string }[];
      expect(issues).to.have.length(1);
      expect(issues[0]).to.include({ path: '/quality/rules/1/field', field: 'quality.rules[1].field' });
      expect(issues[0]?.message).to.match(/^rule "price-range", field nope: unknown field/);
      expect(sent).to.have.length(0);
    });

    it('409 TRIB_PIPELINE_EXISTS from the read model, and from the manager', async () => {
      definitions.put(stored('orders'));
      expect(expectErrorShape((await create(yamlDefinition('orders')).expect(409)).body).code).to.equal('TRIB_PIPELINE_EXISTS');
      events.answer = () => ({ type: 'tributary.pipeline.CommandRejected', value: { code: 'TRIB_PIPELINE_EXISTS', message: 'exists', details: null } });
      expect(expectErrorShape((await create(yamlDefinition('other')).expect(409)).body).code).to.equal('TRIB_PIPELINE_EXISTS');
    });

    it('400 from a CommandRejected DEFINITION_INVALID, with its details', async () => {
      events.answer = () => ({
        type: 'tributary.pipeline.CommandRejected',
        value: { code: 'TRIB_DEFINITION_INVALID', message: 'bad', details: JSON.stringify({ issues: [{ field: 'stages[0]' }] }) },
      });
      const res = await create(yamlDefinition('orders')).expect(400);
      expect(expectErrorShape(res.body).details).to.deep.equal({ issues: [{ field: 'stages[0]' }] });
    });

    it('504 TRIB_COMMAND_TIMEOUT when no answer comes, saying it may still apply', async () => {
      const res = await create(yamlDefinition('orders')).expect(504);
      const error = expectErrorShape(res.body);
      expect(error.code).to.equal('TRIB_COMMAND_TIMEOUT');
      expect(error.message).to.match(/may still apply/);
      expect(error.details).to.include({ sent: true });
    });

    it('503 with Retry-After when Kafka is unreachable, nothing sent', async () => {
      kafkaUp = false;
      const res = await create(yamlDefinition('orders')).expect(503);
      expect(expectErrorShape(res.body).code).to.equal('TRIB_BROKER_UNREACHABLE');
      expect(res.headers['retry-after']).to.equal('4');
      expect(sent).to.have.length(0);
    });

    it('401 without a key, 403 for operator and viewer, 413 over the limit, 415 for another type', async () => {
      expect(expectErrorShape((await request(app).post('/api/v1/pipelines').send('x').expect(401)).body).code).to.equal('TRIB_AUTH_MISSING');
      expect(expectErrorShape((await create(yamlDefinition('orders'), keys.viewer).expect(403)).body).code).to.equal('TRIB_FORBIDDEN');
      await create(yamlDefinition('orders'), keys.operator).expect(403);
      const big = await create(`${yamlDefinition('orders')}#${'x'.repeat(4096)}\n`).expect(413);
      expect(expectErrorShape(big.body).code).to.equal('TRIB_REQUEST_TOO_LARGE');
      const xml = await create('<x/>', keys.admin, 'application/xml').expect(415);
      expect(expectErrorShape(xml.body).code).to.equal('TRIB_UNSUPPORTED_MEDIA_TYPE');
    });

    it('accepts JSON definitions', async () => {
      events.answer = () => ({ type: 'tributary.pipeline.PipelineCreated', value: { version: 1, name: 'n', createdBy: 'a', createdAt: 5 } });
      const json = JSON.stringify({ id: 'js', name: 'n', input: { schema: [{ name: 'id', type: 'int' }] }, stages: [{ type: 'filter', where: 'id > 0' }] });
      const res = await create(json, keys.admin, 'application/json').expect(201);
      expect(res.body).to.have.nested.property('pipeline.id', 'js');
    });
  });

  describe('GET', () => {
    it('lists and shows pipelines; 404 for an unknown one; viewers may read', async () => {
      definitions.put(stored('b'));
      definitions.put(stored('a', 3));
      const list = await request(app).get('/api/v1/pipelines').set(as(keys.viewer)).expect(200);
      expect((list.body as { pipelines: { id: string }[] }).pipelines.map((p) => p.id)).to.deep.equal(['a', 'b']);
      const one = await request(app).get('/api/v1/pipelines/a').set(as(keys.viewer)).expect(200);
      expect(one.body).to.include({ id: 'a', version: 3, status: 'CREATED', updatedBy: 'apikey:admin:x' });
      expect(one.body).to.have.nested.property('definition.id', 'a');
      expect(one.headers.etag).to.equal('"3"');
      expect(expectErrorShape((await request(app).get('/api/v1/pipelines/nope').set(as(keys.viewer)).expect(404)).body).code).to.equal('TRIB_PIPELINE_NOT_FOUND');
      await request(app).get('/api/v1/pipelines').expect(401);
    });

    it('runs newest first, one run, 404 for an unknown run; processors', async () => {
      definitions.put(stored('a'));
      const run = { runId: 'r2', mode: 'live' as const, pipelineVersion: 1, status: 'RUNNING' as const, startedAt: '2024-01-01T00:00:00.000Z', stages: [] };
      events.runList.set('a', [run, { ...run, runId: 'r1', status: 'STOPPED' }]);
      const runs = await request(app).get('/api/v1/pipelines/a/runs').set(as(keys.viewer)).expect(200);
      expect((runs.body as { runs: { runId: string }[] }).runs.map((r) => r.runId)).to.deep.equal(['r2', 'r1']);
      await request(app).get('/api/v1/pipelines/a/runs/r1').set(as(keys.viewer)).expect(200);
      expect(expectErrorShape((await request(app).get('/api/v1/pipelines/a/runs/zz').set(as(keys.viewer)).expect(404)).body).code).to.equal('TRIB_RUN_NOT_FOUND');
      events.procs = [{ processorId: 'p1', url: 'http://x', pipelines: ['a'], paused: [], lastSeen: '2024-01-01T00:00:00.000Z' }];
      const procs = await request(app).get('/api/v1/processors').set(as(keys.viewer)).expect(200);
      expect(procs.body).to.deep.equal({ processors: events.procs });
    });
  });

  describe('PUT and DELETE', () => {
    beforeEach(() => definitions.put(stored('orders', 2)));

    it('200 with the new version; If-Match is sent as expectedVersion', async () => {
      events.answer = () => {
        definitions.put(stored('orders', 3));
        return { type: 'tributary.pipeline.PipelineUpdated', value: { version: 3 } };
      };
      const res = await request(app).put('/api/v1/pipelines/orders').set(as(keys.admin)).set('If-Match', '"2"').set('Content-Type', 'text/yaml').send(yamlDefinition('orders')).expect(200);
      expect(res.body).to.have.nested.property('pipeline.version', 3);
      expect(sent[0]?.value).to.include({ pipelineId: 'orders', expectedVersion: 2 });
    });

    it('409 TRIB_VERSION_CONFLICT / TRIB_SCHEMA_INCOMPATIBLE; 404; 400 for another id', async () => {
      const put = (id: string, body: string, ifMatch?: string) => {
        const r = request(app).put(`/api/v1/pipelines/${id}`).set(as(keys.admin)).set('Content-Type', 'application/yaml');
        return (ifMatch ? r.set('If-Match', ifMatch) : r).send(body);
      };
      expect(expectErrorShape((await put('orders', yamlDefinition('orders'), '"1"').expect(409)).body).code).to.equal('TRIB_VERSION_CONFLICT');
      events.answer = () => ({ type: 'tributary.pipeline.CommandRejected', value: { code: 'TRIB_SCHEMA_INCOMPATIBLE', message: 'no' } });
      expect(expectErrorShape((await put('orders', yamlDefinition('orders')).expect(409)).body).code).to.equal('TRIB_SCHEMA_INCOMPATIBLE');
      expect(expectErrorShape((await put('ghost', yamlDefinition('ghost')).expect(404)).body).code).to.equal('TRIB_PIPELINE_NOT_FOUND');
      expect(expectErrorShape((await put('orders', yamlDefinition('other')).expect(400)).body).code).to.equal('TRIB_DEFINITION_INVALID');
    });

    it('reads and replaces the quality rules alone, as a new version of the definition (admin)', async () => {
      events.answer = () => {
        definitions.put(stored('orders', 3));
        return { type: 'tributary.pipeline.PipelineUpdated', value: { version: 3 } };
      };
      const rules = { rules: [{ id: 'id-present', type: 'not_null', field: 'id' }] };
      const read = await request(app).get('/api/v1/pipelines/orders/quality/rules').set(as(keys.viewer)).expect(200);
      expect(read.headers.etag).to.equal('"2"');
      expect(read.body).to.include({ pipelineId: 'orders', version: 2 });
      await request(app).put('/api/v1/pipelines/orders/quality/rules').set(as(keys.operator)).send(rules).expect(403);
      const res = await request(app).put('/api/v1/pipelines/orders/quality/rules').set(as(keys.admin)).set('If-Match', '"2"').send(rules).expect(200);
      expect(res.body).to.have.nested.property('pipeline.version', 3);
      expect(sent).to.have.length(1);
      expect(sent[0]?.value).to.include({ pipelineId: 'orders', expectedVersion: 2 });
      const written = JSON.parse(String(sent[0]?.value.definition)) as { id: string; quality: unknown; stages: unknown[] };
      expect(written.quality).to.deep.equal(rules);
      expect(written.id).to.equal('orders');
      const bad = await request(app)
        .put('/api/v1/pipelines/orders/quality/rules')
        .set(as(keys.admin))
        .send({ rules: [{ id: 'price-range', type: 'in_range', field: 'nope', min: 0 }] })
        .expect(400);
      expect(expectErrorShape(bad.body).code).to.equal('TRIB_DEFINITION_INVALID');
      expect((await request(app).put('/api/v1/pipelines/orders/quality/rules').set(as(keys.admin)).set('If-Match', '"1"').send(rules).expect(409)).status).to.equal(409);
      expect(sent).to.have.length(1);
    });

    it('DELETE 200 { pipelineId, deleted }; 404 unknown; 403 operator', async () => {
      events.answer = () => {
        definitions.remove('orders');
        return { type: 'tributary.pipeline.PipelineDeleted', value: { pipelineId: 'orders' } };
      };
      await request(app).delete('/api/v1/pipelines/orders').set(as(keys.operator)).expect(403);
      const res = await request(app).delete('/api/v1/pipelines/orders').set(as(keys.admin)).expect(200);
      expect(res.body).to.deep.equal({ pipelineId: 'orders', deleted: true });
      await request(app).delete('/api/v1/pipelines/orders').set(as(keys.admin)).expect(404);
    });
  });

  describe('runs', () => {
    beforeEach(() => definitions.put(stored('orders')));
    const post = (path: string, key = keys.operator) => request(app).post(`/api/v1/pipelines/${path}`).set(as(key));

    it('start 202 { runId } with a CPM-chosen uuid; 409 RUN_ACTIVE; 404; viewer 403', async () => {
      events.answer = () => ({ type: 'tributary.pipeline.RunStarted', value: { runId: String(sent.at(-1)?.value.runId) } });
      const res = await post('orders/start').expect(202);
      expect((res.body as { runId: string }).runId).to.match(/^[0-9a-f-]{36}$/).and.equal(sent[0]?.value.runId);
      events.states.set('orders', { status: 'RUNNING', totals: { in: 0, out: 0, rejected: 0 } });
      expect(expectErrorShape((await post('orders/start').expect(409)).body).code).to.equal('TRIB_RUN_ACTIVE');
      await post('ghost/start').expect(404);
      await post('orders/start', keys.viewer).expect(403);
    });

    it('stop 202 { runId }; 409 RUN_NOT_ACTIVE', async () => {
      expect(expectErrorShape((await post('orders/stop').expect(409)).body).code).to.equal('TRIB_RUN_NOT_ACTIVE');
      const run = { runId: 'r9', mode: 'live' as const, pipelineVersion: 1, status: 'RUNNING' as const, startedAt: 'x', stages: [] };
      events.states.set('orders', { status: 'RUNNING', currentRun: run, totals: { in: 0, out: 0, rejected: 0 } });
      events.answer = () => ({ type: 'tributary.pipeline.RunStopped', value: { runId: 'r9' } });
      expect((await post('orders/stop').expect(202)).body).to.deep.equal({ runId: 'r9' });
      expect(sent[0]?.value).to.include({ runId: 'r9' });
    });

    it('replays 202 { runId } from raw; 400 for bad times; 404', async () => {
      events.answer = () => ({ type: 'tributary.pipeline.RunStarted', value: { runId: String(sent.at(-1)?.value.runId) } });
      const res = await post('orders/replays').send({ from: '2024-01-01T00:00:00Z', until: '2024-01-02T00:00:00Z' }).expect(202);
      expect(sent[0]?.value).to.include({ fromStage: 'raw', fromTime: Date.parse('2024-01-01T00:00:00Z'), runId: (res.body as { runId: string }).runId });
      expect(expectErrorShape((await post('orders/replays').send({ from: 'yesterday' }).expect(400)).body).code).to.equal('TRIB_REQUEST_INVALID');
      await post('orders/replays').send({ from: '2024-01-02T00:00:00Z', until: '2024-01-01T00:00:00Z' }).expect(400);
      await post('orders/replays').send({}).expect(400);
      await post('ghost/replays').send({ from: '2024-01-01T00:00:00Z' }).expect(404);
    });
  });

  describe('processors', () => {
    let server: Server;
    let calls: { path: string; auth: string | undefined }[];
    let healthy: string;

    beforeEach(async () => {
      definitions.put(stored('orders'));
      calls = [];
      const fake = express();
      fake.use(express.json());
      fake.post('/:proc/pipelines/:id/:action', (req, res) => {
        calls.push({ path: req.path, auth: req.get('authorization') });
        if (req.params.proc !== healthy) res.status(500).json({ error: 'boom' });
        else if (req.params.action === 'preview') res.json({ output: req.body as unknown, errors: [], counts: [] });
        else res.json({ ok: true });
      });
      server = fake.listen(0);
      await new Promise((resolve) => server.once('listening', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      healthy = 'p2';
      events.procs = [
        { processorId: 'p1', url: `${base}/p1`, pipelines: ['orders'], paused: [], lastSeen: 'x' },
        { processorId: 'p2', url: `${base}/p2`, pipelines: ['orders'], paused: [], lastSeen: 'x' },
      ];
    });
    afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('preview tries the next processor when one fails; 400 without records; 503 when none can', async () => {
      const res = await request(app).post('/api/v1/pipelines/orders/preview').set(as(keys.operator)).send({ records: [{ id: 1 }] }).expect(200);
      expect(res.body).to.have.property('output');
      expect(calls.map((c) => c.path)).to.deep.equal(['/p1/pipelines/orders/preview', '/p2/pipelines/orders/preview']);
      await request(app).post('/api/v1/pipelines/orders/preview').set(as(keys.operator)).send({ rows: [] }).expect(400);
      healthy = 'none';
      const none = await request(app).post('/api/v1/pipelines/orders/preview').set(as(keys.operator)).send({ records: [] }).expect(503);
      expect(expectErrorShape(none.body).code).to.equal('TRIB_NO_PROCESSOR');
      events.procs = [];
      await request(app).post('/api/v1/pipelines/orders/preview').set(as(keys.operator)).send({ records: [] }).expect(503);
    });

    it('dry-runs quality rules on a processor: the stored definition with the proposed rules, nothing saved', async () => {
      const rules = { rules: [{ id: 'total-cap', type: 'in_range', field: 'id', max: 10 }] };
      const res = await request(app).post('/api/v1/pipelines/orders/quality/dry-run').set(as(keys.operator)).send({ records: [{ id: 1 }], rules }).expect(200);
      // The fake processor echoes what it was sent.
      const sentBody = (res.body as { output: { records: unknown[]; definition: { id: string; quality: unknown } } }).output;
      expect(sentBody.records).to.deep.equal([{ id: 1 }]);
      expect(sentBody.definition).to.include({ id: 'orders' });
      expect(sentBody.definition.quality).to.deep.equal(rules);
      expect(sent).to.have.length(0);
      const bad = await request(app)
        .post('/api/v1/pipelines/orders/quality/dry-run')
        .set(as(keys.operator))
        .send({ records: [], rules: { rules: [{ id: 'r', type: 'in_range', field: 'nope', max: 1 }] } })
        .expect(400);
      const error = expectErrorShape(bad.body);
      expect(error.code).to.equal('TRIB_DEFINITION_INVALID');
      expect(JSON.stringify(error.details)).to.include('rule \\"r\\"');
      await request(app).post('/api/v1/pipelines/orders/quality/dry-run').set(as(keys.operator)).send({ records: [], rules: [] }).expect(400);
      await request(app).post('/api/v1/pipelines/orders/quality/dry-run').set(as(keys.viewer)).send({ records: [] }).expect(403);
    });

    it('pause and resume call every processor running the pipeline', async () => {
      const res = await request(app).post('/api/v1/pipelines/orders/pause').set(as(keys.operator)).expect(200);
      const procs = (res.body as { processors: { processorId: string; ok: boolean }[] }).processors;
      expect(procs.map((p) => [p.processorId, p.ok])).to.deep.equal([['p1', false], ['p2', true]]);
      await request(app).post('/api/v1/pipelines/orders/resume').set(as(keys.operator)).expect(200);
      await request(app).post('/api/v1/pipelines/orders/pause').set(as(keys.viewer)).expect(403);
    });
  });

  describe('GET /events (SSE)', () => {
    it('streams the pipeline\'s events, caps streams, and unsubscribes on disconnect', async () => {
      const port = await new Promise<number>((resolve) => {
        const s = app.listen(0, () => resolve((s.address() as AddressInfo).port));
        after(() => new Promise<void>((r) => s.close(() => r())));
      });
      const controller = new AbortController();
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/events?pipeline=orders`, { headers: as(keys.viewer), signal: controller.signal });
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/event-stream/);
      const second = await request(app).get('/api/v1/events').set(as(keys.viewer)).expect(503);
      expect(expectErrorShape(second.body).code).to.equal('TRIB_TOO_MANY_STREAMS');
      events.emit({ type: 'tributary.pipeline.RunProgress', pipelineId: 'other', value: { n: 0 } });
      events.emit({ type: 'tributary.pipeline.RunProgress', pipelineId: 'orders', value: { n: 1 } });
      const reader = res.body!.getReader();
      let text = '';
      while (!text.includes('heartbeat') || !text.includes('RunProgress')) text += new TextDecoder().decode((await reader.read()).value as Uint8Array);
      expect(text).to.include('event: RunProgress\ndata: {"type":"tributary.pipeline.RunProgress","pipelineId":"orders","value":{"n":1}}');
      expect(text).not.to.include('"n":0');
      controller.abort();
      const started = Date.now();
      while (events.listeners > 0 && Date.now() - started < 2_000) await new Promise((r) => setTimeout(r, 10));
      expect(events.listeners).to.equal(0);
    });
  });

  describe('quality', () => {
    const MINUTE = 60_000;
    const t0 = Date.UTC(2026, 11, 1, 10, 0);
    const window = (w: number, score: number) => ({
      pipelineId: 'orders',
      windowStart: t0 + w * MINUTE,
      windowEnd: t0 + (w + 1) * MINUTE,
      records: 100,
      quarantined: 100 - score,
      score,
      completeness: 1,
      validity: score / 100,
      metrics: {
        pipelineId: 'orders',
        windowStart: t0 + w * MINUTE,
        windowEnd: t0 + (w + 1) * MINUTE,
        closedBy: 'watermark',
        counts: { records: 100, passed: score, warned: 0, quarantined: 100 - score, late: 0, future: 0 },
        completeness: 1,
        validity: score / 100,
        uniqueness: null,
        freshness: null,
        fields: [],
        fieldsTruncated: false,
        rules: [],
        score,
      },
      expectations: [],
      closedAt: t0 + (w + 1) * MINUTE,
    });
    const issue = {
      issueId: 'orders:rule:total-reviewable:1',
      pipelineId: 'orders',
      signal: 'rule:total-reviewable',
      ruleId: 'total-reviewable',
      reason: 'threshold',
      severity: 'error' as const,
      summary: 'total-reviewable failed 30% of records',
      metric: 'failureRate',
      observedValue: 0.3,
      threshold: { min: null, max: 0.05 },
      baseline: null,
      windowStart: t0 + 2 * MINUTE,
      windowEnd: t0 + 3 * MINUTE,
      sampleRecordIds: ['k-1'],
      openedAt: t0 + 3 * MINUTE,
      status: 'open' as const,
      notes: [],
    };
    beforeEach(() => {
      definitions.put(stored('orders'));
      quality.closed.push(window(0, 99), window(1, 98), window(2, 70), window(3, 97));
      quality.all.push(issue);
    });
    const get = (path: string, key = keys.viewer) => request(app).get(`/api/v1/pipelines/orders/quality${path}`).set(as(key));
    // The answers' shapes, as far as these tests read them.
    type Summary = { latestWindow: Record<string, unknown>; openIssues: { issueId: string }[]; trend: Record<string, unknown> };
    type Windows = { windows: { score: number; metrics?: unknown }[] };
    type Issues = { issues: { issueId: string }[] };
    type Report = { summary: Record<string, unknown>; issues: { open: { id: string }[] } };

    it('summarises a pipeline: its latest window, open issues and the score trend (viewer)', async () => {
      const body = (await get('').expect(200)).body as Summary;
      expect(body.latestWindow).to.include({ windowStart: new Date(t0 + 3 * MINUTE).toISOString(), score: 97, records: 100 });
      expect(body.openIssues.map((i) => i.issueId)).to.deep.equal([issue.issueId]);
      expect(body.trend).to.include({ windows: 4, min: 70, max: 99 });
    });

    it('lists closed windows in a time range, with their metrics on request', async () => {
      const from = new Date(t0 + MINUTE).toISOString();
      const to = new Date(t0 + 3 * MINUTE).toISOString();
      const body = (await get(`/windows?from=${from}&to=${to}&metrics=true`).expect(200)).body as Windows;
      expect(body.windows.map((w) => w.score)).to.deep.equal([98, 70]);
      expect(body.windows[0]?.metrics).to.have.nested.property('counts.records', 100);
      expect(expectErrorShape((await get('/windows?from=yesterday').expect(400)).body).code).to.equal('TRIB_REQUEST_INVALID');
      expect(expectErrorShape((await get('/windows?window=7x').expect(400)).body).code).to.equal('TRIB_REQUEST_INVALID');
    });

    it('lists issues by status and answers one by id, 404 for an unknown one', async () => {
      expect(((await get('/issues?status=open').expect(200)).body as Issues).issues).to.have.length(1);
      expect(((await get('/issues?status=resolved').expect(200)).body as Issues).issues).to.have.length(0);
      expect(expectErrorShape((await get('/issues?status=maybe').expect(400)).body).code).to.equal('TRIB_REQUEST_INVALID');
      expect((await get(`/issues/${encodeURIComponent(issue.issueId)}`).expect(200)).body).to.include({ signal: 'rule:total-reviewable', status: 'open' });
      expect(expectErrorShape((await get('/issues/nope').expect(404)).body).code).to.equal('TRIB_ISSUE_NOT_FOUND');
    });

    it('renders a report over a range as JSON or Markdown', async () => {
      const range = `from=${new Date(t0).toISOString()}&to=${new Date(t0 + 4 * MINUTE).toISOString()}`;
      const json = (await get(`/report?${range}`).expect(200)).body as Report;
      expect(json.summary).to.include({ windows: 4, records: 400, quarantined: 36 });
      expect(json.issues.open.map((i) => i.id)).to.deep.equal([issue.issueId]);
      const markdown = await get(`/report?${range}&format=markdown`).expect(200);
      expect(markdown.headers['content-type']).to.match(/^text\/markdown/);
      expect(markdown.text).to.include('orders').and.include('total-reviewable');
    });

    it('acknowledges, notes and resolves an issue (operator) as commands to the quality manager, and shows what people did (viewer)', async () => {
      const act = (action: string, body: unknown, issueId = issue.issueId, key = keys.operator) =>
        request(app).post(`/api/v1/pipelines/orders/quality/issues/${encodeURIComponent(issueId)}/${action}`).set(as(key)).send(body as object);
      const res = await act('acknowledge', { note: 'on it' }).expect(202);
      expect(res.headers.location).to.equal(`/api/v1/pipelines/orders/quality/issues/${encodeURIComponent(issue.issueId)}`);
      await act('notes', { note: 'deploy 14:02 broke the form' }).expect(202);
      await act('resolve', {}).expect(202);
      expect(sent.map((c) => [c.type, (c.value as { note: unknown }).note])).to.deep.equal([
        ['tributary.quality.AcknowledgeQualityIssue', 'on it'],
        ['tributary.quality.AddQualityIssueNote', 'deploy 14:02 broke the form'],
        ['tributary.quality.ResolveQualityIssue', null],
      ]);
      expect(sent[0]?.value).to.include({ pipelineId: 'orders', issueId: issue.issueId });
      expect(sent[0]?.options).to.deep.include({ key: 'orders', priority: 'normal' });

      // Bad input: nothing sent.
      const code = async (r: Promise<request.Response>) => expectErrorShape((await r).body).code;
      expect(await code(act('notes', {}).expect(400))).to.equal('TRIB_REQUEST_INVALID');
      expect(await code(act('notes', { note: '  ' }).expect(400))).to.equal('TRIB_REQUEST_INVALID');
      expect(await code(act('notes', { note: 'x'.repeat(2001) }).expect(400))).to.equal('TRIB_REQUEST_INVALID');
      expect(await code(act('acknowledge', { note: 'ok', assignee: 'bob' }).expect(400))).to.equal('TRIB_REQUEST_INVALID');
      expect(await code(act('acknowledge', [1]).expect(400))).to.equal('TRIB_REQUEST_INVALID');
      expect(await code(act('resolve', {}, 'nope').expect(404))).to.equal('TRIB_ISSUE_NOT_FOUND');
      await act('resolve', {}, issue.issueId, keys.viewer).expect(403);
      kafkaUp = false;
      expect(await code(act('acknowledge', {}).expect(503))).to.equal('TRIB_BROKER_UNREACHABLE');
      kafkaUp = true;
      expect(sent).to.have.length(3);

      // Once the quality manager answered, the read model shows it; a resolved issue refuses acknowledgements.
      quality.all[0] = {
        ...issue,
        status: 'resolved',
        acknowledgement: { by: 'apikey:operator:x', note: 'on it', at: t0 + 4 * MINUTE },
        notes: [{ noteId: 'n1', author: 'apikey:operator:x', note: 'deploy 14:02 broke the form', at: t0 + 5 * MINUTE }],
        resolution: { reason: 'resolved by apikey:operator:x', by: 'apikey:operator:x', note: null, windowStart: null, at: t0 + 6 * MINUTE },
      };
      const shown = (await get(`/issues/${encodeURIComponent(issue.issueId)}`).expect(200)).body as Record<string, unknown>;
      expect(shown).to.deep.include({
        status: 'resolved',
        acknowledgement: { by: 'apikey:operator:x', note: 'on it', at: new Date(t0 + 4 * MINUTE).toISOString() },
        notes: [{ author: 'apikey:operator:x', note: 'deploy 14:02 broke the form', at: new Date(t0 + 5 * MINUTE).toISOString() }],
      });
      expect(shown.resolution).to.include({ by: 'apikey:operator:x', note: null });
      expect(await code(act('acknowledge', {}).expect(409))).to.equal('TRIB_ISSUE_RESOLVED');
      expect(await code(act('resolve', {}).expect(409))).to.equal('TRIB_ISSUE_RESOLVED');
      await act('notes', { note: 'post-mortem: add a form test' }).expect(202);
      expect(sent).to.have.length(4);
    });

    it('accepts a quarantine redrive (operator) as a RedriveQuarantine command, and shows its progress (viewer)', async () => {
      const post = (body: unknown, key = keys.operator) => request(app).post('/api/v1/pipelines/orders/quarantine/redrive').set(as(key)).send(body as object);
      const res = await post({ from: '2026-12-01T10:00:00Z', until: '2026-12-01T11:00:00Z' }).expect(202);
      const { redriveId } = res.body as { redriveId: string };
      expect(res.headers.location).to.equal(`/api/v1/pipelines/orders/quarantine/redrives/${redriveId}`);
      expect(sent).to.have.length(1);
      expect(sent[0]).to.deep.include({ topic: 'tt.quality.commands', type: 'tributary.quality.RedriveQuarantine' });
      expect(sent[0]?.value).to.include({ pipelineId: 'orders', redriveId, fromTime: Date.parse('2026-12-01T10:00:00Z'), untilTime: Date.parse('2026-12-01T11:00:00Z') });
      expect(sent[0]?.options).to.deep.include({ key: 'orders', priority: 'normal' });
      expect(expectErrorShape((await post({ from: '2026-12-01T11:00:00Z', until: '2026-12-01T10:00:00Z' }).expect(400)).body).code).to.equal('TRIB_REQUEST_INVALID');
      expect(expectErrorShape((await post({ from: 'soon' }).expect(400)).body).code).to.equal('TRIB_REQUEST_INVALID');
      await post({}, keys.viewer).expect(403);
      kafkaUp = false;
      expect(expectErrorShape((await post({}).expect(503)).body).code).to.equal('TRIB_BROKER_UNREACHABLE');
      expect(sent).to.have.length(1);

      const follow = (path = '') => request(app).get(`/api/v1/pipelines/orders/quarantine/redrives${path}`).set(as(keys.viewer));
      expect(expectErrorShape((await follow(`/${redriveId}`).expect(404)).body).code).to.equal('TRIB_REDRIVE_NOT_FOUND');
      quality.redriveList.push({
        pipelineId: 'orders',
        redriveId,
        pipelineVersion: 2,
        ranges: [{ partition: 0, startOffset: 0, endOffset: 40 }],
        status: 'completed',
        validated: 30,
        requarantined: 10,
        requestedBy: 'apikey:operator:x',
        startedAt: t0,
        completedAt: t0 + MINUTE,
      });
      expect((await follow(`/${redriveId}`).expect(200)).body).to.include({ status: 'completed', validated: 30, requarantined: 10 });
      expect(((await follow().expect(200)).body as { redrives: unknown[] }).redrives).to.have.length(1);
    });

    it('needs a key, and 404s an unknown pipeline', async () => {
      await request(app).get('/api/v1/pipelines/orders/quality').expect(401);
      expect(expectErrorShape((await request(app).get('/api/v1/pipelines/nope/quality').set(as(keys.viewer)).expect(404)).body).code).to.equal('TRIB_PIPELINE_NOT_FOUND');
    });
  });
});
