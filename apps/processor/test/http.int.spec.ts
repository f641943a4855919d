import type { ProcessorAnnounced } from '@tributary/schemas';
import { waitFor } from '@tributary/testing';
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { createKafkaProbe, createRegistryProbe } from '../src/health/index.js';
import { createProcessorHttp } from '../src/http/index.js';
import type { PreviewResult } from '../src/processing/index.js';
import type { LocalPipelineStatus } from '../src/runtime/index.js';
import type { Processor } from '../src/runtime/index.js';
import { order, ordersDefinition } from './fixtures.js';
import { pipelineId, Stack } from './helpers.js';

const TOKEN = 'processor-token-0123456789';
const auth = `Bearer ${TOKEN}`;

/** The error body every failure must have. */
function errorOf(body: unknown): { code: string; message: string; details: Record<string, unknown> } {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } }).error;
  if (typeof error?.code !== 'string' || !error.code.startsWith('TRIB_') || typeof error.message !== 'string' || typeof error.details !== 'object') {
    throw new Error(`not an error body: ${JSON.stringify(body)}`);
  }
  return error as { code: string; message: string; details: Record<string, unknown> };
}

describe('processor HTTP API and announcements (real stack)', () => {
  const stack = new Stack();
  let processor: Processor;
  let processorId: string;
  let app: Express;
  const kafkaProbe = createKafkaProbe(stack.admin, { timeoutMs: 5_000 });

  before(async () => {
    await stack.start();
    processorId = `proc-${stack.prefix}`;
    const started = await stack.processor({ processorId });
    processor = started.processor;
    app = createProcessorHttp({
      processor,
      logger: stack.logger,
      metrics: started.metrics,
      readiness: [kafkaProbe, createRegistryProbe(stack.config.schemaRegistry.url, { timeoutMs: 5_000 })],
      token: TOKEN,
      options: { previewMaxRecords: 5, previewMaxBytes: 4_096 },
    });
  });
  after(async () => {
    await stack.close();
  });

  it('answers /healthz, /readyz and /metrics without a token', async () => {
    await request(app).get('/healthz').expect(200, { status: 'alive' });
    const ready = await request(app).get('/readyz').expect(200);
    expect(ready.body).to.deep.equal({ status: 'ready', checks: { kafka: 'up', schemaRegistry: 'up' } });
    const metrics = await request(app).get('/metrics').expect(200);
    expect(metrics.text).to.include('tributary_messages_consumed_total');
  });

  it('refuses /pipelines calls without the token', async () => {
    const none = await request(app).get('/pipelines').expect(401);
    expect(errorOf(none.body).code).to.equal('TRIB_AUTH_MISSING');
    const wrong = await request(app).post('/pipelines/x/pause').set('Authorization', 'Bearer nope').expect(401);
    expect(errorOf(wrong.body).code).to.equal('TRIB_AUTH_INVALID');
    await request(app).get('/pipelines').set('Authorization', auth).expect(200);
  });

  describe('preview', () => {
    const id = pipelineId('preview');
    before(async () => {
      await stack.createPipeline(ordersDefinition(id));
      await waitFor(() => processor.definition(id), { what: 'the definition to be known' });
    });
    const preview = (pipeline: string, body: unknown) =>
      request(app).post(`/pipelines/${pipeline}/preview`).set('Authorization', auth).send(body as object);

    it('previews the stored definition: outputs, per-record errors with their stage, counts', async () => {
      const res = await preview(id, { records: [order(), order({ id: 'o2', country: 'BR' }), order({ price: 'x' }), order({ quantity: 0 })] }).expect(200);
      const body = res.body as PreviewResult;
      expect(body.output).to.deep.equal([{ ...order(), total: 10, region: 'EU' }]);
      expect(body.errors.map((e) => [e.index, e.stage])).to.deep.equal([
        [1, 'region'],
        [2, 'staging'],
      ]);
      expect(body.counts[0]).to.deep.equal({ stage: 'staging', recordsIn: 4, recordsOut: 3, recordsErrored: 1 });
      expect(body.counts.map((c) => c.stage)).to.deep.equal(['staging', 'totals', 'positive', 'region', 'once']);
    });

    it('previews an unsaved definition given inline', async () => {
      const draft = { ...ordersDefinition(id), stages: [{ id: 'double', type: 'map', fields: { twice: 'quantity * 2' } }] };
      const res = await preview(id, { records: [order()], definition: draft }).expect(200);
      expect((res.body as PreviewResult).output).to.deep.equal([{ ...order(), twice: 8 }]);
      const unknown = await preview('not-saved-yet', { records: [order()], definition: { ...draft, id: 'not-saved-yet' } }).expect(200);
      expect((unknown.body as PreviewResult).output).to.have.length(1);
    });

    it('400 for a malformed body or an invalid inline definition', async () => {
      const notJson = await request(app).post(`/pipelines/${id}/preview`).set('Authorization', auth).set('Content-Type', 'application/json').send('{"records": [').expect(400);
      expect(errorOf(notJson.body).code).to.equal('TRIB_REQUEST_MALFORMED');
      const noRecords = await preview(id, { rows: [] }).expect(400);
      expect(errorOf(noRecords.body).code).to.equal('TRIB_REQUEST_MALFORMED');
      const bad = await preview(id, { records: [], definition: { ...ordersDefinition(id), stages: [{ type: 'filter', where: 'nope >' }] } }).expect(400);
      const error = errorOf(bad.body);
      expect(error.code).to.equal('TRIB_DEFINITION_INVALID');
      expect(JSON.stringify(error.details)).to.include('/stages/0/where');
      const otherId = await preview(id, { records: [], definition: ordersDefinition('someone-else') }).expect(400);
      expect(errorOf(otherId.body).details).to.deep.equal({ field: 'definition.id' });
    });

    it('404 for an unknown pipeline', async () => {
      const res = await preview('no-such-pipeline', { records: [order()] }).expect(404);
      expect(errorOf(res.body)).to.deep.include({ code: 'TRIB_PIPELINE_NOT_FOUND', details: { pipelineId: 'no-such-pipeline' } });
    });

    it('413 for too many records or too many bytes', async () => {
      const many = await preview(id, { records: Array.from({ length: 6 }, () => order()) }).expect(413);
      expect(errorOf(many.body)).to.deep.include({ code: 'TRIB_PREVIEW_TOO_LARGE' });
      expect(errorOf(many.body).details).to.deep.include({ limit: 'previewMaxRecords', max: 5, actual: 6 });
      const big = await preview(id, { records: [order({ id: 'x'.repeat(5_000) })] }).expect(413);
      expect(errorOf(big.body).details).to.deep.include({ limit: 'previewMaxBytes', max: 4_096 });
    });
  });

  it('pauses and resumes a pipeline on this instance, shown in GET /pipelines and in announcements', async () => {
    const id = pipelineId('pause');
    const pipeline = await stack.createPipeline(ordersDefinition(id));
    await stack.startRun(id, 'run-p');
    await waitFor(() => processor.pipelines().some((p) => p.pipelineId === id && p.state === 'running'), { what: 'the consumer to run' });
    const announcements = await stack.read([stack.eventsTopic], pipeline.codec);
    const announced = (check: (a: ProcessorAnnounced) => boolean) =>
      announcements.some((s) => s.type === 'tributary.pipeline.ProcessorAnnounced' && check(s.value as unknown as ProcessorAnnounced));

    await waitFor(() => announced((a) => a.processorId === processorId && a.pipelines.includes(id)), { what: 'an announcement running the pipeline' });
    const first = announcements.find((s) => s.type === 'tributary.pipeline.ProcessorAnnounced' && s.key === processorId);
    expect(first?.value).to.deep.include({ url: 'http://127.0.0.1:1', intervalMs: 500 });

    await request(app).post(`/pipelines/${id}/pause`).set('Authorization', auth).expect(200, { pipelineId: id, paused: true });
    const listed = await request(app).get('/pipelines').set('Authorization', auth).expect(200);
    expect((listed.body as { pipelines: LocalPipelineStatus[] }).pipelines.find((p) => p.pipelineId === id)).to.deep.include({ state: 'paused' });
    await waitFor(() => announced((a) => a.processorId === processorId && a.paused.includes(id) && !a.pipelines.includes(id)), {
      what: 'an announcement with the pipeline paused',
    });

    await stack.stage(pipeline, [order({ id: 'while-paused' })]);
    const processed = await stack.read([pipeline.topics.processed], pipeline.codec);
    await request(app).post(`/pipelines/${id}/resume`).set('Authorization', auth).expect(200, { pipelineId: id, paused: false });
    await waitFor(() => processed.length === 1, { what: 'the record staged while paused' });
    expect(processor.pipelines().find((p) => p.pipelineId === id)?.state).to.not.equal('paused');

    await request(app).post('/pipelines/no-such-pipeline/pause').set('Authorization', auth).expect(404);
  });
});
