import type { ChildProcess } from 'node:child_process';
import type { CommandRejected, QuarantinedRecord } from '@tributary/schemas';
import { uniqueName, waitFor } from '@tributary/testing';
import { expect } from 'chai';
import type { QualityManager } from '../src/manager.js';
import { RedriveEventNames, redriveGroupId } from '../src/redrive/names.js';
import { cleanOrder, defectiveOrder, ordersDefinition, qualityRules } from './fixtures.js';
import { pipelineId, type Seen, Stack, type TestPipeline } from './helpers.js';
import {
  checksVersion,
  qualityEvents,
  redriveOutcome,
  redriveWrites,
  requestRedrive,
  startManagerProcess,
  updateDefinition,
} from './redrive-helpers.js';

/** The orders rules with `amount-range` relaxed to accept the seeded -5: those records now pass. */
const relaxed = { ...qualityRules, rules: qualityRules.rules.map((r) => (r.id === 'amount-range' ? { ...r, min: -100 } : r)) };

/** Records: every 4th + 1 breaks amount-range (passes v2), every 4th + 3 breaks status-known (fails v2 too). */
function orders(n: number, from: number, now: number) {
  const amount = new Set<string>();
  const status = new Set<string>();
  const records = Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const recordId = `r${i}`;
    if (i % 4 === 1) amount.add(recordId);
    if (i % 4 === 3) status.add(recordId);
    const value = i % 4 === 1 ? defectiveOrder(i, 'amount-range', now) : i % 4 === 3 ? defectiveOrder(i, 'status-known', now) : cleanOrder(i, now);
    return { recordId, value };
  });
  return { records, amount, status };
}

const originals = (seen: readonly Seen[], pipeline: TestPipeline) => seen.filter((s) => s.topic === pipeline.topics.quarantine && s.headers['redrive-id'] === undefined);

describe('quarantine redrive on the real stack', () => {
  const stack = new Stack();
  let manager: QualityManager;

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(stack.logLines.slice(-60).join(''));
  });
  before(async () => {
    await stack.start();
    manager = await stack.qualityManager({ commitEvery: 50 });
  });
  after(async () => {
    await stack.close();
  });

  it('moves the records that pass the new rules to .validated and the rest back to .quarantine, once each; a second redrive covers only what the first put back', async () => {
    const id = pipelineId('redrive');
    const pipeline = await stack.runPipeline(ordersDefinition(id), 'run-r');
    await waitFor(() => manager.pipelines().some((p) => p.pipelineId === id && p.state === 'running'), { what: 'the quality consumer' });
    const { records, amount, status } = orders(400, 0, Date.now());
    await stack.process(pipeline, records, 'run-r');
    const seen = await stack.read([pipeline.topics.validated, pipeline.topics.quarantine], pipeline.codec);
    await waitFor(() => seen.length >= records.length, { what: 'every record checked' });
    expect(new Set(originals(seen, pipeline).map((s) => s.headers['record-id']))).to.deep.equal(new Set([...amount, ...status]));
    const events = await qualityEvents(stack, id);

    await updateDefinition(stack, ordersDefinition(id, relaxed), 2);
    await waitFor(() => manager.pipelines().some((p) => p.pipelineId === id && p.version === 2 && p.state === 'running'), { what: 'version 2' });
    const ends = await stack.admin.fetchTopicOffsets(pipeline.topics.quarantine);
    await requestRedrive(stack, id, 'r1');
    const r1 = await redriveOutcome(events, 'r1');
    // A range ends right after its last record, before the commit marker that ends the partition.
    for (const r of r1.started.ranges) expect(r.endOffset).to.be.within(r.startOffset + 1, Number(ends.find((p) => p.partition === r.partition)!.high) - 1);
    expect(r1.started.pipelineVersion).to.equal(2);
    expect(r1.started.ranges.map((r) => r.partition)).to.deep.equal([0, 1]);
    expect(r1.completed).to.include({ pipelineId: id, validated: amount.size, requarantined: status.size });

    // Exactly the records that now pass reach .validated, each once; the others are back in .quarantine once.
    await waitFor(() => redriveWrites(seen, 'r1', pipeline.topics.validated).size + redriveWrites(seen, 'r1', pipeline.topics.quarantine).size >= amount.size + status.size, {
      what: 'the redrive outputs',
    });
    const validated = redriveWrites(seen, 'r1', pipeline.topics.validated);
    const requarantined = redriveWrites(seen, 'r1', pipeline.topics.quarantine);
    expect(new Set(validated.keys())).to.deep.equal(amount);
    expect(new Set(requarantined.keys())).to.deep.equal(status);
    expect([...validated.values(), ...requarantined.values()].every((n) => n === 1), 'each written once').to.equal(true);

    const first = [...status][0]!;
    const original = originals(seen, pipeline).find((s) => s.headers['record-id'] === first)!.value as unknown as QuarantinedRecord;
    const again = seen.find((s) => s.headers['redrive-id'] === 'r1' && s.headers['record-id'] === first)!;
    expect(again.key).to.equal(first);
    expect(again.headers).to.include({ 'run-id': 'run-r', 'pipeline-version': '2' });
    expect(again.value).to.deep.include({
      recordId: first,
      pipelineVersion: 2,
      sourceTopic: original.sourceTopic,
      sourcePartition: original.sourcePartition,
      sourceOffset: original.sourceOffset,
      record: original.record,
      quarantinedAt: original.quarantinedAt,
    });
    expect((again.value as unknown as QuarantinedRecord).failures.map((f) => f.ruleId)).to.deep.equal(['status-known']);
    const passed = [...amount][0]!;
    const out = seen.find((s) => s.topic === pipeline.topics.validated && s.headers['redrive-id'] === 'r1' && s.headers['record-id'] === passed)!;
    expect(out.key).to.equal(passed);
    expect(out.value).to.deep.equal(records[Number(passed.slice(1))]!.value);

    // The same command again (redelivered, or sent twice) plans nothing; the next redrive starts where r1 ended.
    await requestRedrive(stack, id, 'r1');
    await requestRedrive(stack, id, 'r2');
    const r2 = await redriveOutcome(events, 'r2');
    expect(events.of(RedriveEventNames.started).filter((s) => s.value.redriveId === 'r1')).to.have.length(1);
    for (const range of r2.started.ranges) {
      const before = r1.started.ranges.find((r) => r.partition === range.partition)!;
      expect(range.startOffset, `partition ${range.partition}`).to.be.at.least(before.endOffset);
    }
    // What r2 moves is what r1 put back: the copies of the records that still fail, nothing else.
    expect(r2.completed).to.include({ validated: 0, requarantined: status.size });
    await waitFor(() => redriveWrites(seen, 'r2', pipeline.topics.quarantine).size >= status.size, { what: 'the second redrive outputs' });
    expect(new Set(redriveWrites(seen, 'r2', pipeline.topics.quarantine).keys())).to.deep.equal(status);
    expect(redriveWrites(seen, 'r2', pipeline.topics.validated).size).to.equal(0);
    expect(events.of(RedriveEventNames.completed).filter((s) => s.value.redriveId === 'r1')).to.have.length(1);
    // Completed redrives leave no consumer group behind.
    const groups = async () => (await stack.admin.listGroups()).groups.map((g) => g.groupId);
    await waitFor(async () => !(await groups()).includes(redriveGroupId(stack.prefix, id, 'r1')), { what: 'the r1 group deleted' });
  });

  it('redrives only the records quarantined between fromTime and untilTime', async () => {
    const id = pipelineId('redrive-window');
    const pipeline = await stack.runPipeline(ordersDefinition(id), 'run-w');
    await waitFor(() => manager.pipelines().some((p) => p.pipelineId === id && p.state === 'running'), { what: 'the quality consumer' });
    const seen = await stack.read([pipeline.topics.validated, pipeline.topics.quarantine], pipeline.codec);
    const now = Date.now();
    const batches = [orders(40, 0, now), orders(40, 40, now), orders(40, 80, now)];
    const times: number[] = [];
    for (const [i, batch] of batches.entries()) {
      if (i > 0) times.push(Date.now());
      await stack.process(pipeline, batch.records, 'run-w');
      await waitFor(() => seen.length >= 40 * (i + 1), { what: `batch ${i} checked` });
      await new Promise((r) => setTimeout(r, 20));
    }
    const events = await qualityEvents(stack, id);
    await updateDefinition(stack, ordersDefinition(id, relaxed), 2);
    await waitFor(() => manager.pipelines().some((p) => p.pipelineId === id && p.version === 2 && p.state === 'running'), { what: 'version 2' });
    await requestRedrive(stack, id, 'middle', { fromTime: times[0]!, untilTime: times[1]! });
    const { completed } = await redriveOutcome(events, 'middle');
    const middle = batches[1]!;
    expect(completed).to.include({ validated: middle.amount.size, requarantined: middle.status.size });
    await waitFor(() => redriveWrites(seen, 'middle', pipeline.topics.validated).size >= middle.amount.size, { what: 'the outputs' });
    expect(new Set(redriveWrites(seen, 'middle', pipeline.topics.validated).keys())).to.deep.equal(middle.amount);
  });

  it('answers a redrive of an unknown pipeline with CommandRejected', async () => {
    const unknown = pipelineId('nope');
    const events = await qualityEvents(stack, unknown);
    await requestRedrive(stack, unknown, 'x1');
    await waitFor(() => events.of(RedriveEventNames.rejected).length > 0, { what: 'CommandRejected' });
    const rejected = events.of(RedriveEventNames.rejected)[0]!.value as unknown as CommandRejected;
    expect(rejected).to.include({ pipelineId: unknown, command: RedriveEventNames.command, code: 'TRIB_PIPELINE_NOT_FOUND', requestedBy: 'test-operator' });
    expect(events.of(RedriveEventNames.started)).to.have.length(0);
  });
});

describe('quarantine redrive across a crash (kill -9) and restart (real stack)', () => {
  const stack = new Stack();
  const children: ChildProcess[] = [];
  const output: string[] = [];

  before(async () => {
    await stack.start();
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await stack.close();
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(output.join('').split('\n').slice(-60).join('\n'));
  });

  it('moves every record of the range exactly once, and counts each once (read committed)', async function () {
    this.timeout(240_000);
    const id = pipelineId('redrive-crash');
    const pipeline = await stack.runPipeline(ordersDefinition(id), 'run-c');
    const instanceId = uniqueName('qm-redrive');
    children.push(await startManagerProcess(stack.prefix, instanceId, output, 10));
    const { records, amount, status } = orders(4000, 0, Date.now());
    const total = amount.size + status.size;
    await stack.process(pipeline, records, 'run-c');
    const seen = await stack.read([pipeline.topics.validated, pipeline.topics.quarantine], pipeline.codec);
    await waitFor(() => seen.length >= records.length, { what: 'every record checked', timeoutMs: 120_000 });
    const events = await qualityEvents(stack, id);

    await updateDefinition(stack, ordersDefinition(id, relaxed), 2);
    await waitFor(() => checksVersion(output, id, 2), { what: 'the manager to check version 2', timeoutMs: 30_000 });
    await requestRedrive(stack, id, 'rc');
    const moved = () => redriveWrites(seen, 'rc', pipeline.topics.validated).size + redriveWrites(seen, 'rc', pipeline.topics.quarantine).size;
    await waitFor(() => moved() >= 100, { what: 'the first redriven records', timeoutMs: 60_000, intervalMs: 20 });
    children[0]!.kill('SIGKILL');
    expect(moved(), 'killed mid-redrive').to.be.below(total);

    children.push(await startManagerProcess(stack.prefix, instanceId, output, 10));
    const { completed } = await redriveOutcome(events, 'rc', 180_000);
    await waitFor(() => moved() >= total, { what: `${total} redriven records`, timeoutMs: 60_000 });
    // A little longer: anything written twice would show up now.
    await new Promise((r) => setTimeout(r, 1000));

    const validated = redriveWrites(seen, 'rc', pipeline.topics.validated);
    const requarantined = redriveWrites(seen, 'rc', pipeline.topics.quarantine);
    expect([...validated, ...requarantined].filter(([, n]) => n > 1), 'records written twice').to.deep.equal([]);
    expect(new Set(validated.keys())).to.deep.equal(amount);
    expect(new Set(requarantined.keys())).to.deep.equal(status);
    expect(completed).to.include({ validated: amount.size, requarantined: status.size });
    expect(events.of(RedriveEventNames.completed).filter((s) => s.value.redriveId === 'rc')).to.have.length(1);
    expect(events.of(RedriveEventNames.started).filter((s) => s.value.redriveId === 'rc')).to.have.length(1);
  });
});
