import { createKafka } from '@tributary/broker';
import { loadConfig } from '@tributary/config';
import type { RecordRejected, RunStopped, StagingBatchCompleted } from '@tributary/schemas';
import { uniqueName, waitFor } from '@tributary/testing';
import { expect } from 'chai';
import { createStagingManager, type StagingManager } from '../src/index.js';
import { createStack, type ReadMessage, type Stack } from './helpers.js';

const input = {
  schema: [
    { name: 'id', type: 'string' },
    { name: 'n', type: 'int' },
    { name: 'at', type: 'timestamp' },
    { name: 'note', type: 'string', nullable: true },
  ],
};

/** One stack and one manager for the suite; every test uses pipelines (and topics) of its own. */
describe('staging manager (real Kafka and registry)', function () {
  let stack: Stack;
  let manager: StagingManager;

  before(async function () {
    stack = await createStack();
    await stack.createPipeline('orders', { input });
    manager = createStagingManager({
      kafka: createKafka({ brokers: loadConfig().kafka.brokers, clientId: 'staging-manager-under-test' }),
      registry: stack.registry,
      topicPrefix: stack.prefix,
      instanceId: uniqueName('i'),
      options: { restartDebounceMs: 100, missingTopicRetryMs: 300, replayPollMs: 200, sessionTimeoutMs: 10_000, retry: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 20 } },
    });
    await manager.start();
    await waitFor(() => manager.ready && manager.topics.length === 1, { timeoutMs: 30_000, what: 'the staging group joined' });
  });

  after(async function () {
    await manager?.close();
    await stack?.close();
  });

  const decodeAll = async (messages: ReadMessage[]) =>
    Promise.all(messages.map(async (m) => ({ ...m, decoded: (await stack.codec.decode(m.value!)).value as Record<string, unknown> })));

  const batchesOf = async (pipelineId: string) =>
    (await decodeAll(await stack.read(`${stack.prefix}.staging.events`)))
      .map((m) => m.decoded as unknown as StagingBatchCompleted)
      .filter((b) => b.pipelineId === pipelineId);

  it('stages valid records with coerced types and ids, rejects invalid and malformed ones with reasons, and dead-letters poison', async function () {
    const at = '2026-01-02T03:04:05.000Z';
    await stack.sendRaw('orders', [
      { recordId: 'r-1', value: JSON.stringify({ id: 'a', n: 1, at, extra: 'dropped' }) },
      { recordId: 'r-2', value: JSON.stringify({ id: 'b', n: 2, at: 1_700_000_000_000, note: 'hi' }) },
      { recordId: 'r-3', value: JSON.stringify({ id: 'c', n: 'three', at }) },
      { recordId: 'r-4', value: JSON.stringify({ n: 4.5, at }) },
      { recordId: 'r-5', value: '{"id": "d", ' },
      { value: JSON.stringify({ id: 'e', n: 5, at }) },
      // Starts with the Avro magic byte but is no registered schema: must go to the DLQ, not crash.
      { recordId: 'r-poison', value: Buffer.from([0, 0xff, 0xff, 0xff, 0xf0, 1, 2]) },
    ]);
    const stagedTopic = `${stack.prefix}.data.orders.staged`;
    const staged = await waitFor(async () => {
      const m = await stack.read(stagedTopic);
      return m.length >= 3 && m;
    }, { what: '3 staged records' });
    const decoded = await decodeAll(staged);
    const byId = new Map(decoded.map((m) => [m.key, m]));
    expect(byId.get('r-1')?.decoded).to.deep.equal({ id: 'a', n: 1, at: Date.parse(at), note: null });
    expect(byId.get('r-2')?.decoded).to.deep.equal({ id: 'b', n: 2, at: 1_700_000_000_000, note: 'hi' });
    expect(byId.get('r-1')?.headers).to.include({ 'record-id': 'r-1', 'batch-id': 'batch-1', 'pipeline-version': '1', 'event-id': 'r-1' });
    expect(byId.get('r-1')?.headers).not.to.have.property('run-id');
    const fallback = decoded.find((m) => m.decoded.id === 'e');
    expect(fallback?.key).to.match(/^r-[0-9a-f]{32}$/);

    const rejected = await waitFor(async () => {
      const m = await stack.read(`${stack.prefix}.data.orders.rejected`);
      return m.length >= 3 && m;
    }, { what: '3 rejected records' });
    const reasons = new Map((await decodeAll(rejected)).map((m) => [m.key, m.decoded as unknown as RecordRejected]));
    expect(reasons.get('r-3')?.errors).to.deep.equal([{ field: 'n', code: 'TRIB_RECORD_FIELD_TYPE', message: reasons.get('r-3')!.errors[0]!.message }]);
    expect(reasons.get('r-4')?.errors.map((e) => [e.field, e.code])).to.deep.equal([
      ['id', 'TRIB_RECORD_FIELD_REQUIRED'],
      ['n', 'TRIB_RECORD_FIELD_TYPE'],
    ]);
    expect(reasons.get('r-5')).to.include({ stage: 'staging', record: '{"id": "d", ', pipelineId: 'orders', runId: null, batchId: 'batch-1' });
    expect(reasons.get('r-5')?.errors[0]?.code).to.equal('TRIB_RECORD_MALFORMED');

    const dlq = await waitFor(async () => {
      const m = await stack.read(`${stack.prefix}.data.orders.raw.dlq`);
      return m.length >= 1 && m;
    }, { what: 'the poison record in the DLQ' });
    expect(dlq[0]?.headers['record-id']).to.equal('r-poison');
    expect(dlq[0]?.headers['dlq-error-code']).to.match(/^TRIB_CODEC_/);

    const batches = await waitFor(async () => {
      const b = await batchesOf('orders');
      return b.reduce((s, x) => s + x.recordsIn, 0) >= 6 && b;
    }, { what: 'batch events covering 6 records' });
    const sum = (k: 'recordsIn' | 'recordsStaged' | 'recordsRejected') => batches.reduce((s, b) => s + b[k], 0);
    expect([sum('recordsIn'), sum('recordsStaged'), sum('recordsRejected')]).to.deep.equal([6, 3, 3]);
    const profiled = batches.flatMap((b) => b.fields).filter((f) => f.field === 'n');
    expect(profiled.reduce((s, f) => s + f.valueCount, 0)).to.equal(3);
  });

  it('picks up a pipeline created while running, and drops repeated keys when it dedupes', async function () {
    await stack.createPipeline('clicks', { input, key: ['id'], dedupe: { window: '10m' } });
    await waitFor(() => manager.topics.length === 2 && manager.ready, { timeoutMs: 30_000, what: 'the runner restarted with clicks' });
    const at = 1_700_000_000_000;
    await stack.sendRaw(
      'clicks',
      ['x', 'y', 'x', 'z', 'y'].map((id, i) => ({ recordId: `c-${i}`, value: JSON.stringify({ id, n: i, at }) })),
    );
    const batches = await waitFor(async () => {
      const b = await batchesOf('clicks');
      return b.reduce((s, x) => s + x.recordsIn, 0) >= 5 && b;
    }, { what: 'batch events covering 5 records' });
    expect(batches.reduce((s, b) => s + b.recordsStaged, 0)).to.equal(3);
    expect(batches.reduce((s, b) => s + b.recordsRejected, 0)).to.equal(0);
    const staged = await decodeAll(
      await waitFor(async () => {
        const m = await stack.read(`${stack.prefix}.data.clicks.staged`);
        return m.length >= 3 && m;
      }, { what: '3 staged clicks' }),
    );
    expect(staged.map((m) => m.decoded.id).sort()).to.deep.equal(['x', 'y', 'z']);
  });

  it('replays exactly the time slice with run-id and a fresh dedupe state, then publishes RunStopped', async function () {
    await stack.createPipeline('views', { input, key: ['id'], dedupe: { window: '1h' } });
    await waitFor(() => manager.topics.length === 3 && manager.ready, { timeoutMs: 30_000, what: 'the runner restarted with views' });
    const now = Date.now();
    const record = (id: string, t: number, i: number) => ({ recordId: `v-${id}-${i}`, timestamp: t, value: JSON.stringify({ id, n: i, at: t }) });
    const before = [record('a', now - 60_000, 0), record('b', now - 59_000, 1)];
    const slice = [record('c', now - 30_000, 2), record('d', now - 29_000, 3), record('e', now - 28_000, 4)];
    const after = [record('f', now - 5_000, 5)];
    await stack.sendRaw('views', [...before, ...slice, ...after]);
    const stagedTopic = `${stack.prefix}.data.views.staged`;
    await waitFor(async () => (await stack.read(stagedTopic)).length >= 6, { what: 'live staging of 6 records' });

    const runId = uniqueName('run');
    await stack.publisher.publish(
      `${stack.prefix}.pipeline.events`,
      'tributary.pipeline.RunStarted',
      { pipelineId: 'views', runId, pipelineVersion: 1, mode: 'replay', replayFrom: now - 45_000, replayUntil: now - 15_000, startedBy: 'test', startedAt: now },
      { key: 'views' },
    );
    const stopped = await waitFor(async () => {
      const events = await decodeAll(await stack.read(`${stack.prefix}.pipeline.events`));
      return events.find((e) => e.headers['event-type'] === 'tributary.pipeline.RunStopped')?.decoded as unknown as RunStopped | undefined;
    }, { timeoutMs: 45_000, what: 'RunStopped of the replay' });
    expect(stopped).to.include({ pipelineId: 'views', runId, reason: 'replay staged: 3 records' });

    const replayed = (await stack.read(stagedTopic)).filter((m) => m.headers['run-id'] === runId);
    expect(replayed.map((m) => m.key).sort()).to.deep.equal(slice.map((r) => r.recordId).sort());
    for (const m of replayed) expect(m.headers['event-id']).to.equal(`${runId}:${m.key}`);
    const replayBatches = (await batchesOf('views')).filter((b) => b.runId === runId);
    expect(replayBatches.reduce((s, b) => s + b.recordsStaged, 0)).to.equal(3);
    expect(manager.activeReplays).to.deep.equal([]);
  });
});
