import { createMetrics } from '@tributary/observability';
import { initialPipelinesState, type PipelinesState, reducePipelineState, type StateEvent } from '@tributary/pipeline-state';
import { expect } from 'chai';
import { pipelineRecordMetricNames, pipelineRecordSeries, registerPipelineRecordMetrics } from '../src/metrics/index.js';

const at = 1_700_000_000_000;
const definition = (id: string) =>
  JSON.stringify({
    id,
    name: id,
    input: { schema: [{ name: 'id', type: 'string' }] },
    stages: [
      { id: 'totals', type: 'derive', fields: { total: { expr: '1', type: 'double' } } },
      { type: 'filter', where: 'true' },
    ],
  });

const created = (pipelineId: string): StateEvent => ({
  type: 'tributary.pipeline.PipelineCreated',
  value: { pipelineId, name: pipelineId, version: 1, definition: definition(pipelineId), createdBy: 't', createdAt: at },
});
const started = (pipelineId: string, runId: string, mode: 'live' | 'replay' = 'live'): StateEvent => ({
  type: 'tributary.pipeline.RunStarted',
  value: { pipelineId, runId, pipelineVersion: 1, mode, replayFrom: null, replayUntil: null, startedBy: 't', startedAt: at + 1 },
});
const staged = (pipelineId: string, runId: string | null, recordsIn: number, recordsStaged: number, recordsRejected: number): StateEvent => ({
  type: 'tributary.staging.StagingBatchCompleted',
  value: {
    pipelineId,
    runId,
    batchId: `b-${recordsIn}-${recordsRejected}`,
    sourceTopic: `t.data.${pipelineId}.raw`,
    sourcePartition: 0,
    firstOffset: 0,
    lastOffset: recordsIn - 1,
    recordsIn,
    recordsStaged,
    recordsRejected,
    fields: [],
    startedAt: at + 2,
    completedAt: at + 3,
  },
});
const progress = (pipelineId: string, runId: string, stages: [string, number, number, number][]): StateEvent => ({
  type: 'tributary.pipeline.RunProgress',
  value: {
    pipelineId,
    runId,
    stages: stages.map(([stage, recordsIn, recordsOut, recordsErrored]) => ({ stage, recordsIn, recordsOut, recordsErrored })),
    reportedAt: at + 4,
  },
});
const deleted = (pipelineId: string): StateEvent => ({
  type: 'tributary.pipeline.PipelineDeleted',
  value: { pipelineId, lastVersion: 1, reason: null, deletedBy: 't', deletedAt: at + 9 },
});

const fold = (events: StateEvent[], from: PipelinesState = initialPipelinesState) => events.reduce((s, e) => reducePipelineState(s, e), from);

/** `{ "pipeline/stage/outcome": value }`, the easiest shape to compare whole. */
const byKey = (series: { labels: Record<string, string>; value: number }[]) =>
  Object.fromEntries(series.map((s) => [Object.values(s.labels).join('/'), s.value]));

describe('pipeline record series', () => {
  it('maps every stage of every pipeline, staging first, with staging errored as rejected', () => {
    const state = fold([
      created('orders'),
      started('orders', 'live-1'),
      staged('orders', null, 100, 90, 10),
      staged('orders', null, 50, 47, 3),
      progress('orders', 'live-1', [
        ['totals', 137, 130, 7],
        ['filter-1', 130, 120, 0],
      ]),
      // A replay stages and processes its records again: they count again.
      started('orders', 'replay-1', 'replay'),
      staged('orders', 'replay-1', 20, 20, 0),
      created('idle'),
    ]);
    const { stages, rejected } = pipelineRecordSeries(state);
    expect(byKey(stages)).to.deep.equal({
      'idle/staging/in': 0,
      'idle/staging/out': 0,
      'idle/staging/errored': 0,
      'idle/totals/in': 0,
      'idle/totals/out': 0,
      'idle/totals/errored': 0,
      'idle/filter-1/in': 0,
      'idle/filter-1/out': 0,
      'idle/filter-1/errored': 0,
      'orders/staging/in': 170,
      'orders/staging/out': 157,
      'orders/staging/errored': 13,
      'orders/totals/in': 137,
      'orders/totals/out': 130,
      'orders/totals/errored': 7,
      'orders/filter-1/in': 130,
      'orders/filter-1/out': 120,
      'orders/filter-1/errored': 0,
    });
    expect(stages.filter((s) => s.labels.pipeline === 'orders').map((s) => s.labels.stage)).to.deep.equal([
      ...Array<string>(3).fill('staging'),
      ...Array<string>(3).fill('totals'),
      ...Array<string>(3).fill('filter-1'),
    ]);
    expect(byKey(rejected)).to.deep.equal({ idle: 0, orders: 13 });
  });

  it('has no series for a deleted pipeline, and none at all without pipelines', () => {
    const state = fold([created('gone'), staged('gone', null, 5, 4, 1), deleted('gone')]);
    expect(pipelineRecordSeries(state)).to.deep.equal({ stages: [], rejected: [] });
  });
});

describe('registerPipelineRecordMetrics', () => {
  const values = async (metrics: ReturnType<typeof createMetrics>, name: string) => {
    const metric = metrics.registry.getSingleMetric(name);
    if (!metric) return undefined;
    const { type, values: vs } = await metric.get();
    expect(String(type)).to.equal('counter');
    return byKey(vs.map((v) => ({ labels: v.labels as Record<string, string>, value: v.value })));
  };

  it('reads the state at each read of the registry, shows nothing while it is rebuilt, and unregisters on close', async () => {
    const metrics = createMetrics({ service: 'pm-test', collectDefaultMetrics: false });
    let state: PipelinesState | undefined;
    const registration = registerPipelineRecordMetrics(metrics.registry, () => state);
    try {
      expect(await values(metrics, pipelineRecordMetricNames.stageRecords)).to.deep.equal({});
      expect(await values(metrics, pipelineRecordMetricNames.rejected)).to.deep.equal({});

      state = fold([created('p1'), staged('p1', null, 10, 8, 2)]);
      expect(await values(metrics, pipelineRecordMetricNames.stageRecords)).to.include({ 'p1/staging/in': 10, 'p1/staging/out': 8, 'p1/staging/errored': 2 });
      expect(await values(metrics, pipelineRecordMetricNames.rejected)).to.deep.equal({ p1: 2 });

      // Set from the state, not added up: a second read with more records shows the new totals.
      state = fold([staged('p1', null, 5, 5, 0)], state);
      expect(await values(metrics, pipelineRecordMetricNames.stageRecords)).to.include({ 'p1/staging/in': 15, 'p1/staging/out': 13 });
      const text = await metrics.render();
      expect(text).to.contain('# TYPE tributary_pipeline_stage_records_total counter');
      expect(text).to.contain('tributary_pipeline_stage_records_total{pipeline="p1",stage="staging",outcome="in",service="pm-test"} 15');
      expect(text).to.contain('tributary_pipeline_records_rejected_total{pipeline="p1",service="pm-test"} 2');

      state = fold([deleted('p1')], state);
      expect(await values(metrics, pipelineRecordMetricNames.stageRecords)).to.deep.equal({});
    } finally {
      registration.close();
      registration.close();
    }
    expect(metrics.registry.getSingleMetric(pipelineRecordMetricNames.stageRecords)).to.equal(undefined);
    expect(metrics.registry.getSingleMetric(pipelineRecordMetricNames.rejected)).to.equal(undefined);
    // Registered again after close (a restarted manager on the same registry).
    registerPipelineRecordMetrics(metrics.registry, () => undefined).close();
    await metrics.close();
  });
});
