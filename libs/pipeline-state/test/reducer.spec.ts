import { expect } from 'chai';
import { initialPipelinesState, type PipelinesState, reducePipelineState, type StateEvent } from '../src/index.js';
import { announced, batch, created, deleted, failed, progress, rejected, started, stopped, updated } from './support/events.js';

const fold = (events: StateEvent[], state: PipelinesState = initialPipelinesState, maxRuns?: number): PipelinesState =>
  events.reduce((s, e) => reducePipelineState(s, e, maxRuns === undefined ? {} : { maxRuns }), state);

const countsOf = (stages: readonly { stage: string; in: number; out: number; errored: number }[]) =>
  stages.map((s) => [s.stage, s.in, s.out, s.errored]);

describe('reducePipelineState', () => {
  it('creates a pipeline in CREATED with its stages in order, staging first', () => {
    const p = fold([created()]).pipelines.orders!;
    expect(p.status).to.equal('CREATED');
    expect(p.version).to.equal(1);
    expect(p.name).to.equal('Orders');
    expect(p.liveRunId).to.equal(null);
    expect(p.stageOrder).to.deep.equal(['staging', 'totals', 'filter-1']);
  });

  it('bumps the version on update and ignores an older or repeated update', () => {
    const s = fold([created(), updated(3), updated(2), updated(3)]);
    expect(s.pipelines.orders!.version).to.equal(3);
  });

  it('forgets a deleted pipeline, and counts for it afterwards change nothing', () => {
    const s = fold([created(), started('r1'), deleted(), progress('r1', [['totals', 5, 5, 0]])]);
    expect(s.pipelines).to.deep.equal({});
  });

  it('starts and stops a live run', () => {
    const running = fold([created(), started('r1')]);
    expect(running.pipelines.orders!.status).to.equal('RUNNING');
    expect(running.pipelines.orders!.liveRunId).to.equal('r1');
    const s = fold([stopped('r1', 'maintenance')], running);
    const p = s.pipelines.orders!;
    expect(p.status).to.equal('STOPPED');
    expect(p.statusReason).to.equal('maintenance');
    expect(p.liveRunId).to.equal(null);
    expect(p.runs[0]).to.include({ runId: 'r1', status: 'STOPPED', reason: 'maintenance', stoppedBy: 'ann' });
  });

  it('is idempotent for redelivered lifecycle events', () => {
    const once = fold([created(), started('r1'), stopped('r1')]);
    const twice = fold([created(), started('r1'), started('r1'), stopped('r1'), stopped('r1'), created()]);
    expect(twice).to.deep.equal(once);
  });

  it('fails the live run with the reason and stage', () => {
    const p = fold([created(), started('r1'), failed('r1', 'totals')]).pipelines.orders!;
    expect(p.status).to.equal('FAILED');
    expect(p.statusReason).to.equal('too many errors');
    expect(p.runs[0]).to.include({ status: 'FAILED', failedStage: 'totals', errorCode: 'TRIB_RUN_ERROR_RATE' });
  });

  it('sums RunProgress deltas per stage, in pipeline order', () => {
    const p = fold([
      created(),
      started('r1'),
      progress('r1', [
        ['totals', 10, 10, 0],
        ['filter-1', 10, 7, 1],
      ]),
      progress('r1', [
        ['totals', 5, 4, 1],
        ['filter-1', 4, 4, 0],
      ]),
    ]).pipelines.orders!;
    expect(countsOf(p.runs[0]!.stages)).to.deep.equal([
      ['staging', 0, 0, 0],
      ['totals', 15, 14, 1],
      ['filter-1', 14, 11, 1],
    ]);
    expect(p.runs[0]!.totals).to.deep.equal({ recordsIn: 15, recordsOut: 11, recordsErrored: 2 });
  });

  it('counts staging batches into the staging stage of the named run, or of the live run when the run id is null', () => {
    const p = fold([created(), started('r1'), batch(null, 10, 8, 2), batch('r1', 5, 5, 0), progress('r1', [['totals', 13, 13, 0]])])
      .pipelines.orders!;
    expect(countsOf(p.runs[0]!.stages).slice(0, 2)).to.deep.equal([
      ['staging', 15, 13, 2],
      ['totals', 13, 13, 0],
    ]);
    expect(p.runs[0]!.totals).to.deep.equal({ recordsIn: 15, recordsOut: 13, recordsErrored: 2 });
  });

  it('counts a batch staged while no run is active in the pipeline totals only', () => {
    const p = fold([created(), batch(null, 4, 3, 1), started('r1'), batch(null, 2, 2, 0)]).pipelines.orders!;
    expect(countsOf(p.stages)[0]).to.deep.equal(['staging', 6, 5, 1]);
    expect(countsOf(p.runs[0]!.stages)[0]).to.deep.equal(['staging', 2, 2, 0]);
  });

  it('runs a replay beside the live run without changing the pipeline status', () => {
    const s = fold([
      created(),
      started('live-1'),
      started('replay-1', { mode: 'replay', replayFrom: 1, replayUntil: 2 }),
      batch('replay-1', 3, 3, 0),
      stopped('replay-1', 'replay complete'),
    ]);
    const p = s.pipelines.orders!;
    expect(p.status).to.equal('RUNNING');
    expect(p.liveRunId).to.equal('live-1');
    expect(p.runs.map((r) => [r.runId, r.mode, r.status])).to.deep.equal([
      ['replay-1', 'replay', 'STOPPED'],
      ['live-1', 'live', 'RUNNING'],
    ]);
    expect(p.runs[0]).to.include({ replayFrom: 1, replayUntil: 2 });
    expect(countsOf(p.runs[1]!.stages)[0]).to.deep.equal(['staging', 0, 0, 0]);
  });

  it('keeps at most maxRuns runs, newest first, but never drops an active run', () => {
    const events: StateEvent[] = [created(), started('live')];
    for (let i = 0; i < 5; i++) events.push(started(`r${i}`, { mode: 'replay' }), stopped(`r${i}`));
    const p = fold(events, initialPipelinesState, 3).pipelines.orders!;
    expect(p.runs.map((r) => r.runId)).to.deep.equal(['r4', 'r3', 'r2', 'live']);
  });

  it('leaves the state unchanged on CommandRejected and unknown types', () => {
    const s = fold([created()]);
    expect(reducePipelineState(s, rejected())).to.equal(s);
    expect(reducePipelineState(s, { type: 'tributary.other.Thing', value: {} })).to.equal(s);
  });

  it('records processors and derives PAUSED from their announcements', () => {
    const running = fold([created(), started('r1')]);
    const paused = fold([announced(['orders'], ['orders'])], running);
    expect(paused.pipelines.orders!.status).to.equal('PAUSED');
    expect(paused.processors['proc-1']).to.include({ url: 'http://127.0.0.1:8090', lastSeen: 1_700_000_000_030 });
    const resumed = fold([announced(['orders'], [], 1_700_000_000_040)], paused);
    expect(resumed.pipelines.orders!.status).to.equal('RUNNING');
  });

  it('never mutates the state it was given', () => {
    const before = fold([created(), started('r1')]);
    const snapshot = JSON.stringify(before);
    fold([progress('r1', [['totals', 1, 1, 0]]), batch(null, 1, 1, 0), stopped('r1'), deleted()], before);
    expect(JSON.stringify(before)).to.equal(snapshot);
  });
});
