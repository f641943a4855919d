import type { Checkpoint, ConsumedEvent, HandlerContext } from '@tributary/broker';
import { pipelineAvroSchemas } from '@tributary/pipelines';
import type { RecordRejected, RunProgress } from '@tributary/schemas';
import { expect } from 'chai';
import { pipelineTopics } from '../src/processing/index.js';
import { createPipelineWorker } from '../src/processing/index.js';
import { order, ordersDefinition, T0 } from './fixtures.js';

interface Published {
  topic: string;
  type: string;
  value: unknown;
  options: { key?: string | null; headers?: Record<string, string> } | undefined;
}

describe('pipeline worker (pure logic, no Kafka)', () => {
  const definition = ordersDefinition('worker-unit');
  const topics = pipelineTopics('t', 'worker-unit');
  let offset = 0;

  function setup(liveRunId: string | null = 'live-1') {
    const published: Published[] = [];
    const worker = createPipelineWorker({
      version: { pipelineId: 'worker-unit', version: 3, definition },
      codec: { output: pipelineAvroSchemas(definition).output, outputType: 'tributary.data.worker_unit.Output' },
      topics,
      liveRunId: () => liveRunId ?? undefined,
      clock: () => 42,
    });
    const ctx: HandlerContext = { attempt: 1, publish: (topic, type, value, options) => void published.push({ topic, type, value, options }) };
    const handle = (value: Record<string, unknown>, opts: { partition?: number; runId?: string; recordId?: string } = {}) => {
      const headers: Record<string, string> = { 'record-id': opts.recordId ?? `rid-${String(value.id)}` };
      if (opts.runId) headers['run-id'] = opts.runId;
      const event = {
        type: 'tributary.data.worker_unit.Input',
        value,
        key: headers['record-id'],
        topic: topics.staged,
        partition: opts.partition ?? 0,
        offset: String(offset++),
        timestamp: T0,
        headers,
      } as ConsumedEvent;
      worker.handle(event, ctx);
    };
    const commit = (partition: number) => {
      const progress: Published[] = [];
      const checkpoint: Checkpoint = {
        topic: topics.staged,
        partition,
        firstOffset: '0',
        lastOffset: '0',
        publish: (topic, type, value, options) => void progress.push({ topic, type, value, options }),
      };
      worker.beforeCommit(checkpoint);
      return progress;
    };
    return { worker, published, handle, commit };
  }

  it('writes outputs with record-id, pipeline-version and the live run id', () => {
    const { published, handle } = setup();
    handle(order());
    expect(published).to.have.length(1);
    const [out] = published;
    expect(out?.topic).to.equal(topics.processed);
    expect(out?.value).to.deep.equal({ ...order(), total: 10, region: 'EU' });
    expect(out?.options?.key).to.equal('rid-o1');
    expect(out?.options?.headers).to.deep.equal({ 'record-id': 'rid-o1', 'pipeline-version': '3', 'run-id': 'live-1' });
  });

  it('rejects a record a stage fails, naming the stage; filtered and duplicate records are only counted', () => {
    const { published, handle, commit } = setup();
    handle(order({ id: 'bad', country: 'BR' }));
    handle(order({ id: 'zero', quantity: 0 }));
    handle(order());
    handle(order({ ts: T0 + 1000 }));
    expect(published.map((p) => p.topic)).to.deep.equal([topics.rejected, topics.processed]);
    const rejected = published[0]?.value as RecordRejected;
    expect(rejected).to.include({ pipelineId: 'worker-unit', runId: null, recordId: 'rid-bad', stage: 'region', sourceTopic: topics.staged });
    expect(rejected.errors[0]?.message).to.match(/BR/);
    const [progress] = commit(0);
    expect(progress?.topic).to.equal(topics.events);
    expect(progress?.options?.key).to.equal('worker-unit');
    expect((progress?.value as RunProgress).stages).to.deep.equal([
      { stage: 'totals', recordsIn: 4, recordsOut: 4, recordsErrored: 0 },
      { stage: 'positive', recordsIn: 4, recordsOut: 3, recordsErrored: 0 },
      { stage: 'region', recordsIn: 3, recordsOut: 2, recordsErrored: 1 },
      { stage: 'once', recordsIn: 2, recordsOut: 1, recordsErrored: 0 },
    ]);
    expect(commit(0)).to.deep.equal([]);
  });

  it('keeps dedupe state per run and partition, and one RunProgress per run', () => {
    const { published, handle, commit } = setup();
    handle(order());
    handle(order(), { runId: 'replay-1' });
    handle(order(), { partition: 1 });
    handle(order(), { runId: 'replay-1' });
    expect(published.map((p) => p.options?.headers?.['run-id'])).to.deep.equal(['live-1', 'replay-1', 'live-1']);
    const progress = commit(0).map((p) => p.value as RunProgress);
    expect(progress.map((p) => [p.runId, p.stages[3]?.recordsIn, p.stages[3]?.recordsOut])).to.deep.equal([
      ['live-1', 1, 1],
      ['replay-1', 2, 1],
    ]);
    expect(commit(1).map((p) => (p.value as RunProgress).runId)).to.deep.equal(['live-1']);
  });

  it('onUncommitted drops the partition counts and its dedupe state, so redelivered records pass again', () => {
    const { worker, published, handle, commit } = setup();
    handle(order());
    worker.onUncommitted({ topic: topics.staged, partition: 0 });
    expect(commit(0)).to.deep.equal([]);
    handle(order());
    expect(published).to.have.length(2);
  });

  it('dead-letters a live record when the pipeline has no live run', () => {
    const { handle } = setup(null);
    expect(() => handle(order())).to.throw(/no live run/);
  });
});
