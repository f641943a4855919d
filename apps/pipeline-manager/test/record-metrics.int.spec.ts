import type { AddressInfo } from 'node:net';
import { waitFor } from '@tributary/testing';
import { expect } from 'chai';
import { createOpsServer, type OpsServer } from '../src/http/server.js';
import { createManagerStack, definitionFor, type ManagerStack } from './support/stack.js';

const C = (name: string) => `tributary.pipeline.${name}`;

/** Samples of the Prometheus text exposition: `name{label=value,…}` (labels sorted, `service` left out) → value. */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)]
      .filter(([, k]) => k !== 'service')
      .map(([, k, v]) => `${k}=${v}`)
      .sort();
    samples.set(`${m[1]}{${labels.join(',')}}`, Number(m[3]));
  }
  return samples;
}

describe('pipeline record series on /metrics, from the real stack', function () {
  this.timeout(180_000);
  let stack: ManagerStack;
  let ops: OpsServer;

  before(async () => {
    stack = await createManagerStack();
    // The ops server reads the stack's registry, which each (re)started manager registers into.
    ops = createOpsServer({ port: 0, ready: () => stack.manager.ready, metrics: stack.metrics });
    await ops.listen();
  });
  after(async () => {
    await ops?.close();
    await stack?.close();
  });

  /** The record series of `pipelineId` as `/metrics` shows them now. */
  async function scrape(pipelineId: string): Promise<Record<string, number>> {
    const res = await fetch(`http://127.0.0.1:${(ops.address() as AddressInfo).port}/metrics`);
    expect(res.status).to.equal(200);
    const all = parseExposition(await res.text());
    return Object.fromEntries([...all].filter(([k]) => k.startsWith('tributary_pipeline_') && k.includes(`pipeline=${pipelineId}`)));
  }

  const staged = (pipelineId: string, partition: number, firstOffset: number, recordsIn: number, recordsRejected: number) => {
    const now = Date.now();
    return stack.publishEvent(
      'staging',
      'tributary.staging.StagingBatchCompleted',
      {
        pipelineId,
        runId: null,
        batchId: `${pipelineId}-${partition}-${firstOffset}`,
        sourceTopic: `${stack.prefix}.data.${pipelineId}.raw`,
        sourcePartition: partition,
        firstOffset,
        lastOffset: firstOffset + recordsIn - 1,
        recordsIn,
        recordsStaged: recordsIn - recordsRejected,
        recordsRejected,
        fields: [],
        startedAt: now,
        completedAt: now,
      },
      pipelineId,
    );
  };
  const processed = (pipelineId: string, runId: string, recordsIn: number, recordsErrored: number) =>
    stack.publishEvent(
      'pipeline',
      C('RunProgress'),
      { pipelineId, runId, stages: [{ stage: 'totals', recordsIn, recordsOut: recordsIn - recordsErrored, recordsErrored }], reportedAt: Date.now() },
      pipelineId,
    );

  it('counts the records of every stage, with staging rejections, the same after a restart, and drops a deleted pipeline', async () => {
    const id = 'flow';
    expect((await stack.send(C('CreatePipeline'), { pipelineId: id, name: 'Flow', definition: definitionFor(id) })).type).to.equal(C('PipelineCreated'));
    expect((await stack.send(C('StartPipeline'), { pipelineId: id, runId: 'live-1' })).type).to.equal(C('RunStarted'));
    // Created: every stage's series exists, at 0.
    expect(await scrape(id)).to.deep.equal({
      'tributary_pipeline_stage_records_total{outcome=in,pipeline=flow,stage=staging}': 0,
      'tributary_pipeline_stage_records_total{outcome=out,pipeline=flow,stage=staging}': 0,
      'tributary_pipeline_stage_records_total{outcome=errored,pipeline=flow,stage=staging}': 0,
      'tributary_pipeline_stage_records_total{outcome=in,pipeline=flow,stage=totals}': 0,
      'tributary_pipeline_stage_records_total{outcome=out,pipeline=flow,stage=totals}': 0,
      'tributary_pipeline_stage_records_total{outcome=errored,pipeline=flow,stage=totals}': 0,
      'tributary_pipeline_records_rejected_total{pipeline=flow}': 0,
    });

    // 1,000 records staged in four batches on two partitions, 12 of them rejected; the 988 staged
    // ones processed in two batches, 8 failing the stage.
    await staged(id, 0, 0, 250, 3);
    await staged(id, 1, 0, 250, 0);
    await staged(id, 0, 250, 250, 7);
    await staged(id, 1, 250, 250, 2);
    await processed(id, 'live-1', 500, 5);
    await processed(id, 'live-1', 488, 3);
    const expected = {
      'tributary_pipeline_stage_records_total{outcome=in,pipeline=flow,stage=staging}': 1000,
      'tributary_pipeline_stage_records_total{outcome=out,pipeline=flow,stage=staging}': 988,
      'tributary_pipeline_stage_records_total{outcome=errored,pipeline=flow,stage=staging}': 12,
      'tributary_pipeline_stage_records_total{outcome=in,pipeline=flow,stage=totals}': 988,
      'tributary_pipeline_stage_records_total{outcome=out,pipeline=flow,stage=totals}': 980,
      'tributary_pipeline_stage_records_total{outcome=errored,pipeline=flow,stage=totals}': 8,
      'tributary_pipeline_records_rejected_total{pipeline=flow}': 12,
    };
    let seen: Record<string, number> = {};
    await waitFor(
      async () => {
        seen = await scrape(id);
        return seen['tributary_pipeline_stage_records_total{outcome=in,pipeline=flow,stage=staging}'] === 1000 &&
          seen['tributary_pipeline_stage_records_total{outcome=in,pipeline=flow,stage=totals}'] === 988;
      },
      { what: 'the counts on /metrics', timeoutMs: 60_000 },
    );
    expect(seen).to.deep.equal(expected);

    // A restarted manager rebuilds the same totals by replaying the events: no reset, no double count.
    await stack.manager.close();
    expect(await scrape(id)).to.deep.equal({});
    await stack.restart();
    expect(await scrape(id)).to.deep.equal(expected);

    await stack.send(C('DeletePipeline'), { pipelineId: id, expectedVersion: null, reason: 'test' }, [C('PipelineDeleted')]);
    await waitFor(async () => Object.keys(await scrape(id)).length === 0, { what: 'the deleted pipeline series to go' });
  });
});
