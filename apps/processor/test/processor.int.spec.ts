import type { RecordRejected, RunProgress } from '@tributary/schemas';
import { waitFor } from '@tributary/testing';
import { expect } from 'chai';
import { createVersionCodec } from '../src/processing/index.js';
import type { Processor } from '../src/runtime/index.js';
import { order, ordersDefinition, T0 } from './fixtures.js';
import { pipelineId, type Seen, Stack } from './helpers.js';

/** Per-stage sums of the RunProgress events of one run. */
function sumProgress(events: Seen[], pipeline: string, runId: string): Record<string, [number, number, number]> {
  const sums: Record<string, [number, number, number]> = {};
  for (const e of events) {
    if (e.type !== 'tributary.pipeline.RunProgress') continue;
    const p = e.value as unknown as RunProgress;
    if (p.pipelineId !== pipeline || p.runId !== runId) continue;
    for (const s of p.stages) {
      const t = (sums[s.stage] ??= [0, 0, 0]);
      t[0] += s.recordsIn;
      t[1] += s.recordsOut;
      t[2] += s.recordsErrored;
    }
  }
  return sums;
}

describe('processor on the real stack', () => {
  const stack = new Stack();
  let processor: Processor;

  afterEach(function () {
    // The processor's own log lines explain a failure better than a timeout does.
    if (this.currentTest?.state === 'failed') console.log(stack.logLines.slice(-40).join(''));
  });

  before(async () => {
    await stack.start();
    ({ processor } = await stack.processor());
  });
  after(async () => {
    await stack.close();
  });

  it('applies map, filter, enrich and dedupe from .staged to .processed, rejects what a stage fails, and counts it all in RunProgress', async () => {
    const id = pipelineId('orders');
    const pipeline = await stack.createPipeline(ordersDefinition(id));
    await stack.startRun(id, 'run-1');
    await waitFor(() => processor.pipelines().some((p) => p.pipelineId === id && p.state === 'running'), { what: 'the consumer to run' });

    const records = [
      ...Array.from({ length: 10 }, (_, i) => order({ id: `o${i}`, country: i % 2 ? 'US' : 'DE', ts: T0 + i })),
      order({ id: 'o1', country: 'US', ts: T0 + 5_000 }), // duplicate of o1 within the window
      order({ id: 'o2', ts: T0 + 6_000 }), // duplicate of o2
      order({ id: 'z1', quantity: 0 }), // filtered
      order({ id: 'z2', price: 0 }), // filtered
      order({ id: 'b1', country: 'BR' }), // enrich fails
      order({ id: 'b2', country: 'FR' }), // enrich fails
    ];
    await stack.stage(pipeline, records);

    const seen = await stack.read([pipeline.topics.processed, pipeline.topics.rejected, stack.eventsTopic], pipeline.codec);
    const processed = () => seen.filter((s) => s.topic === pipeline.topics.processed);
    const rejected = () => seen.filter((s) => s.topic === pipeline.topics.rejected);
    await waitFor(() => processed().length >= 10 && rejected().length >= 2, { what: '10 processed and 2 rejected' });
    await waitFor(() => (sumProgress(seen, id, 'run-1').totals?.[0] ?? 0) >= records.length, { what: 'RunProgress of every record' });

    expect(processed().map((s) => s.value.id).sort()).to.deep.equal(Array.from({ length: 10 }, (_, i) => `o${i}`).sort());
    const o3 = processed().find((s) => s.value.id === 'o3');
    expect(o3?.value).to.deep.equal({ ...order({ id: 'o3', country: 'US', ts: T0 + 3 }), total: 10, region: 'NA' });
    expect(o3?.key).to.equal('k-o3');
    expect(o3?.headers).to.include({ 'record-id': 'k-o3', 'pipeline-version': '1', 'run-id': 'run-1' });
    expect(o3?.type).to.match(/\.Output$/);

    const reasons = rejected().map((s) => s.value as unknown as RecordRejected);
    expect(reasons.map((r) => [r.recordId, r.stage, r.runId]).sort()).to.deep.equal([
      ['k-b1', 'region', null],
      ['k-b2', 'region', null],
    ]);
    expect(reasons[0]?.sourceTopic).to.equal(pipeline.topics.staged);
    expect(reasons[0]?.errors[0]?.message).to.be.a('string').and.not.empty;

    expect(sumProgress(seen, id, 'run-1')).to.deep.equal({
      totals: [16, 16, 0],
      positive: [16, 14, 0],
      region: [14, 12, 2],
      once: [12, 10, 0],
    });
    const progress = seen.find((s) => s.type === 'tributary.pipeline.RunProgress' && (s.value as unknown as RunProgress).pipelineId === id);
    expect(progress?.key).to.equal(id);
    expect((progress?.value as unknown as RunProgress).stages.map((s) => s.stage)).to.deep.equal(['totals', 'positive', 'region', 'once']);
  });

  it('processes replay-tagged records under their run id with a dedupe state of their own', async () => {
    const id = pipelineId('replay');
    const pipeline = await stack.createPipeline(ordersDefinition(id));
    await stack.startRun(id, 'live-1');
    await stack.startRun(id, 'replay-1', 1, 'replay');
    await waitFor(() => processor.pipelines().some((p) => p.pipelineId === id && p.state === 'running'), { what: 'the consumer to run' });

    const r = order({ id: 'same' });
    await stack.stage(pipeline, [r], { batchId: 'live-a' });
    await stack.stage(pipeline, [r], { batchId: 'replay-a', runId: 'replay-1' });
    await stack.stage(pipeline, [r], { batchId: 'live-b' }); // a duplicate within the live run
    await stack.stage(pipeline, [r], { batchId: 'replay-b', runId: 'replay-1' }); // a duplicate within the replay

    const seen = await stack.read([pipeline.topics.processed, stack.eventsTopic], pipeline.codec);
    await waitFor(
      () => (sumProgress(seen, id, 'live-1').once?.[0] ?? 0) >= 2 && (sumProgress(seen, id, 'replay-1').once?.[0] ?? 0) >= 2,
      { what: 'progress of both runs' },
    );
    const processed = seen.filter((s) => s.topic === pipeline.topics.processed);
    expect(processed.map((s) => s.headers['run-id']).sort()).to.deep.equal(['live-1', 'replay-1']);
    expect(sumProgress(seen, id, 'live-1').once).to.deep.equal([2, 1, 0]);
    expect(sumProgress(seen, id, 'replay-1').once).to.deep.equal([2, 1, 0]);
  });

  it('stops consuming when the run stops, and records staged meanwhile go to the next run', async () => {
    const id = pipelineId('stop');
    const pipeline = await stack.createPipeline(ordersDefinition(id));
    await stack.startRun(id, 'run-a');
    await waitFor(() => processor.pipelines().some((p) => p.pipelineId === id && p.state === 'running'), { what: 'the consumer to run' });
    await stack.stage(pipeline, [order({ id: 'before' })]);
    const seen = await stack.read([pipeline.topics.processed], pipeline.codec);
    await waitFor(() => seen.length === 1, { what: 'the first record' });

    await stack.stopRun(id, 'run-a');
    await waitFor(() => !processor.pipelines().some((p) => p.pipelineId === id), { what: 'the consumer to stop' });
    await stack.stage(pipeline, [order({ id: 'while-stopped-1' }), order({ id: 'while-stopped-2' })]);
    const offsets = await stack.admin.fetchOffsets({ groupId: `${stack.prefix}-processor.${id}`, topics: [pipeline.topics.staged] });
    const committed = offsets[0]?.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    expect(committed).to.equal(1);

    await stack.startRun(id, 'run-b');
    await waitFor(() => seen.length === 3, { what: 'the records staged while stopped' });
    expect(seen.slice(1).map((s) => [s.value.id, s.headers['run-id']]).sort()).to.deep.equal([
      ['while-stopped-1', 'run-b'],
      ['while-stopped-2', 'run-b'],
    ]);
  });

  it('restarts on a new definition version, reads records staged with the older schema, and writes the new version', async () => {
    const id = pipelineId('version');
    const v1 = ordersDefinition(id);
    const pipeline = await stack.createPipeline(v1);
    await stack.startRun(id, 'run-v');
    await waitFor(() => processor.pipelines().some((p) => p.pipelineId === id && p.version === 1 && p.state === 'running'), { what: 'v1 to run' });
    // v2 adds an input field and drops the enrich stage; `.staged` keeps records written with v1's schema.
    const v2 = ordersDefinition(id, {
      input: { schema: [...v1.input.schema, { name: 'coupon', type: 'string', nullable: true }] },
      stages: [{ id: 'totals', type: 'map', fields: { total: { expr: 'price * double(quantity)', type: 'double' } } }],
    });
    await stack.writeDefinition(v2, 2);
    await waitFor(() => processor.pipelines().some((p) => p.pipelineId === id && p.version === 2 && p.state === 'running'), { what: 'v2 to run' });
    // Written with v1's Input schema (as staged before the update): read in v2's view, coupon null.
    // BR has no region: v1 would reject it, v2 has no enrich stage.
    await stack.stage(pipeline, [order({ id: 'v2', country: 'BR' })], { version: 1 });
    // v2's Output has no region: read it in v2's view (v1's reader cannot fill a region it never got).
    const v2Codec = createVersionCodec(stack.registry, v2);
    const seen = await stack.read([pipeline.topics.processed], v2Codec);
    await waitFor(() => seen.length === 1, { what: 'the v2 output' });
    await v2Codec.codec.close();
    expect(seen[0]?.headers['pipeline-version']).to.equal('2');
    expect(seen[0]?.value).to.deep.equal({ ...order({ id: 'v2', country: 'BR' }), coupon: null, total: 10 });
  });

  it('dead-letters a poison message on .staged and goes on', async () => {
    const id = pipelineId('poison');
    const pipeline = await stack.createPipeline(ordersDefinition(id));
    await stack.startRun(id, 'run-p');
    await waitFor(() => processor.pipelines().some((p) => p.pipelineId === id && p.state === 'running'), { what: 'the consumer to run' });
    await stack.producer.send({ topic: pipeline.topics.staged, messages: [{ key: 'x', value: Buffer.from('not avro at all') }] });
    await stack.stage(pipeline, [order({ id: 'after-poison' })]);
    const seen = await stack.read([pipeline.topics.processed], pipeline.codec);
    await waitFor(() => seen.length === 1, { what: 'the record after the poison message' });
    const dlq: string[] = [];
    const consumer = stack.kafka.consumer({ groupId: `${stack.prefix}-dlq-${id}` });
    await consumer.connect();
    await consumer.subscribe({ topic: `${pipeline.topics.staged}.dlq`, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        dlq.push(String(message.headers?.['dlq-error-code']));
        return Promise.resolve();
      },
    });
    try {
      await waitFor(() => dlq.length === 1, { what: 'the dead letter' });
      expect(dlq[0]).to.equal('TRIB_CODEC_MALFORMED');
    } finally {
      await consumer.disconnect();
    }
  });
});
