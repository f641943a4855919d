import { randomUUID } from 'node:crypto';
import { avroNamespaceFor } from '@tributary/pipelines';
import { waitFor } from '@tributary/testing';
import { expect } from 'chai';
import { createManagerStack, definitionFor, type ManagerStack } from './support/stack.js';

const C = (name: string) => `tributary.pipeline.${name}`;

describe('pipeline manager on the real stack', function () {
  this.timeout(120_000);
  let stack: ManagerStack;

  before(async () => {
    stack = await createManagerStack({ failure: { errorRate: 0.5, minRecords: 100, windowRecords: 1000 } });
  });
  after(async () => {
    await stack?.close();
  });

  const create = (id: string, definition = definitionFor(id)) => stack.send(C('CreatePipeline'), { pipelineId: id, name: `P ${id}`, definition });
  const rejection = (event: { type: string; value: unknown }) => {
    expect(event.type).to.equal(C('CommandRejected'));
    return event.value as { code: string; message: string; details: string | null };
  };

  it('creates a pipeline: event, definition, data topics and registered schemas', async () => {
    const answer = await create('orders');
    expect(answer.type).to.equal(C('PipelineCreated'));
    expect(answer.value).to.include({ pipelineId: 'orders', version: 1, name: 'P orders', createdBy: 'tester' });
    expect(answer.causationId).to.be.a('string');

    const entry = stack.manager.definitions.get('orders');
    expect(entry?.version).to.equal(1);
    expect(entry?.definition.stages.map((s) => s.id)).to.deep.equal(['totals']);

    const topics = await stack.admin.listTopics();
    for (const stage of ['raw', 'staged', 'processed', 'validated', 'quarantine', 'rejected']) {
      expect(topics).to.include(`${stack.prefix}.data.orders.${stage}`);
    }
    const ns = avroNamespaceFor('orders');
    const input = await stack.registry.versions(`${stack.prefix}.data.orders.staged-${ns}.Input`);
    const output = await stack.registry.versions(`${stack.prefix}.data.orders.processed-${ns}.Output`);
    const validated = await stack.registry.versions(`${stack.prefix}.data.orders.validated-${ns}.Output`);
    expect(input).to.have.length(1);
    expect(output).to.have.length(1);
    expect(validated).to.have.length(1);
  });

  it('refuses a duplicate create, an invalid definition and an id mismatch', async () => {
    await create('dup');
    expect(rejection(await create('dup')).code).to.equal('TRIB_PIPELINE_EXISTS');

    const invalid = rejection(await create('bad', JSON.stringify({ id: 'bad', name: 'Bad', input: { schema: [] }, stages: [{ type: 'nope' }] })));
    expect(invalid.code).to.equal('TRIB_DEFINITION_INVALID');
    expect(JSON.parse(invalid.details!)).to.be.an('array').that.is.not.empty;
    expect(stack.manager.definitions.get('bad')).to.equal(undefined);

    expect(rejection(await create('mismatch', definitionFor('other'))).code).to.equal('TRIB_DEFINITION_INVALID');

    const badRules = { ...(JSON.parse(definitionFor('rules')) as Record<string, unknown>), quality: { rules: [{ id: 'in-future', type: 'freshness', field: 'id', maxAge: '1h' }] } };
    const refused = rejection(await create('rules', JSON.stringify(badRules)));
    expect(refused.code).to.equal('TRIB_DEFINITION_INVALID');
    const [issue] = JSON.parse(refused.details!) as { path: string; field: string; message: string }[];
    expect(issue).to.include({ path: '/quality/rules/0/field', field: 'quality.rules[0].field' });
    expect(issue?.message).to.match(/^rule "in-future", field id: /);
    expect(stack.manager.definitions.get('rules')).to.equal(undefined);
  });

  it('updates with a version bump, checks expectedVersion, and refuses an incompatible schema naming the field', async () => {
    await create('upd');
    const updated = await stack.send(C('UpdatePipeline'), {
      pipelineId: 'upd',
      definition: definitionFor('upd', [{ name: 'note', type: 'string', nullable: true }]),
      expectedVersion: 1,
    });
    expect(updated.type).to.equal(C('PipelineUpdated'));
    expect(updated.value).to.include({ version: 2 });
    expect(stack.manager.definitions.get('upd')?.version).to.equal(2);

    const conflict = rejection(await stack.send(C('UpdatePipeline'), { pipelineId: 'upd', definition: definitionFor('upd'), expectedVersion: 1 }));
    expect(conflict.code).to.equal('TRIB_VERSION_CONFLICT');

    const incompatible = rejection(
      await stack.send(C('UpdatePipeline'), {
        pipelineId: 'upd',
        definition: definitionFor('upd', [{ name: 'note', type: 'string', nullable: true }, { name: 'region', type: 'string' }]),
        expectedVersion: null,
      }),
    );
    expect(incompatible.code).to.equal('TRIB_SCHEMA_INCOMPATIBLE');
    expect(incompatible.message).to.contain('region');
    expect(JSON.parse(incompatible.details!)).to.include({ field: 'region' });
    expect(stack.manager.definitions.get('upd')?.version).to.equal(2);

    const missing = rejection(await stack.send(C('UpdatePipeline'), { pipelineId: 'ghost', definition: definitionFor('ghost'), expectedVersion: null }));
    expect(missing.code).to.equal('TRIB_PIPELINE_NOT_FOUND');
  });

  it('starts, replays beside the live run, and stops runs', async () => {
    await create('runs');
    const started = await stack.send(C('StartPipeline'), { pipelineId: 'runs', runId: 'live-1' });
    expect(started.type).to.equal(C('RunStarted'));
    expect(started.value).to.include({ runId: 'live-1', mode: 'live', pipelineVersion: 1 });
    expect(rejection(await stack.send(C('StartPipeline'), { pipelineId: 'runs', runId: 'live-2' })).code).to.equal('TRIB_RUN_ACTIVE');

    const before = Date.now();
    const replay = await stack.send(C('ReplayPipeline'), { pipelineId: 'runs', runId: 'replay-1', fromStage: 'raw', fromTime: 0, untilTime: null });
    expect(replay.value).to.include({ runId: 'replay-1', mode: 'replay', replayFrom: 0 });
    expect((replay.value as { replayUntil: number }).replayUntil).to.be.at.least(before);
    expect(stack.manager.events.pipeline('runs')?.liveRunId).to.equal('live-1');

    const stopReplay = await stack.send(C('StopPipeline'), { pipelineId: 'runs', runId: 'replay-1', reason: null });
    expect(stopReplay.value).to.include({ runId: 'replay-1' });
    const stopped = await stack.send(C('StopPipeline'), { pipelineId: 'runs', runId: null, reason: 'done' });
    expect(stopped.type).to.equal(C('RunStopped'));
    expect(stopped.value).to.include({ runId: 'live-1', reason: 'done', stoppedBy: 'tester' });
    expect(rejection(await stack.send(C('StopPipeline'), { pipelineId: 'runs', runId: null, reason: null })).code).to.equal('TRIB_RUN_NOT_ACTIVE');
    expect(stack.manager.events.pipeline('runs')?.status).to.equal('STOPPED');
  });

  it('deletes a running pipeline: RunStopped, PipelineDeleted and a tombstone', async () => {
    await create('gone');
    await stack.send(C('StartPipeline'), { pipelineId: 'gone', runId: 'g-1' });
    const deleted = await stack.send(C('DeletePipeline'), { pipelineId: 'gone', expectedVersion: null, reason: 'test' }, [C('PipelineDeleted')]);
    expect(deleted.value).to.include({ pipelineId: 'gone', lastVersion: 1 });
    const outputs = stack.manager.events.causedBy(deleted.causationId!).map((e) => e.type);
    expect(outputs).to.deep.equal([C('RunStopped'), C('PipelineDeleted')]);
    // The tombstone follows the events (so a redelivery after a crash can finish it).
    await stack.manager.definitions.waitUntil((v) => v.get('gone') === undefined, 30_000, 'the tombstone');
    expect(stack.manager.events.pipeline('gone')).to.equal(undefined);
  });

  it('fails a run once when a stage errors above the threshold', async () => {
    await create('bad-run');
    await stack.send(C('StartPipeline'), { pipelineId: 'bad-run', runId: 'br-1' });
    let failures = 0;
    const unsubscribe = stack.manager.events.subscribe((e) => {
      if (e.type === C('RunFailed')) failures++;
    });
    const progress = (n: number, errored: number) =>
      stack.publishEvent(
        'pipeline',
        C('RunProgress'),
        { pipelineId: 'bad-run', runId: 'br-1', stages: [{ stage: 'totals', recordsIn: n, recordsOut: n - errored, recordsErrored: errored }], reportedAt: Date.now() },
        'bad-run',
      );
    try {
      await progress(60, 10); // below minRecords: no verdict
      await progress(60, 50); // 60 of 120 errored (50%): not above 0.5
      await stack.manager.events.waitUntil((v) => v.run('bad-run', 'br-1')?.totals.recordsIn === 120, 30_000);
      expect(stack.manager.events.run('bad-run', 'br-1')?.status).to.equal('RUNNING');
      await progress(40, 40);
      await waitFor(() => stack.manager.events.run('bad-run', 'br-1')?.status === 'FAILED', { what: 'the run to fail' });
      const run = stack.manager.events.run('bad-run', 'br-1')!;
      expect(run.failedStage).to.equal('totals');
      expect(run.errorCode).to.equal('TRIB_RUN_ERROR_RATE');
      expect(run.reason).to.contain('errored 100 of its last 160 records');
      await progress(50, 50);
      await stack.manager.events.waitUntil((v) => v.run('bad-run', 'br-1')?.totals.recordsIn === 210, 30_000);
      // A marker the manager's own publisher sends after anything it would have sent for that progress.
      await stack.send(C('StopPipeline'), { pipelineId: 'bad-run', runId: null, reason: null });
      expect(failures).to.equal(1);
    } finally {
      unsubscribe();
    }
  });

  it('applies a redelivered command once (same event id)', async () => {
    const eventId = randomUUID();
    const [first, second] = [randomUUID(), randomUUID()];
    const answer = stack.manager.events.waitForCorrelation(first, 45_000);
    for (const correlationId of [first, second]) {
      await stack.publisher.publish(
        `${stack.prefix}.pipeline.commands`,
        C('CreatePipeline'),
        { pipelineId: 'once', name: 'Once', definition: definitionFor('once'), requestedBy: 'tester', requestedAt: Date.now() },
        { key: 'once', eventId, correlationId, priority: 'high' },
      );
    }
    expect((await answer).type).to.equal(C('PipelineCreated'));
    // Same key and band as the duplicate, so handled after it.
    const marker = await stack.send(C('StopPipeline'), { pipelineId: 'once', runId: null, reason: null });
    expect(rejection(marker).code).to.equal('TRIB_RUN_NOT_ACTIVE');
    expect(stack.manager.events.causedBy(eventId).map((e) => e.type)).to.deep.equal([C('PipelineCreated')]);
    const err = await stack.manager.events.waitForCorrelation(second, 200).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.have.property('code', 'TRIB_CORRELATION_TIMEOUT');
    expect(stack.manager.definitions.get('once')?.version).to.equal(1);
  });

  it('finishes a create whose definition was written before a crash, instead of refusing it', async () => {
    const eventId = randomUUID();
    await stack.publisher.publish(
      `${stack.prefix}.pipeline.definitions`,
      'tributary.pipeline.PipelineDefinition',
      { pipelineId: 'half', name: 'Half', version: 1, definition: definitionFor('half'), createdAt: 1, updatedAt: 1, updatedBy: 'tester' },
      { key: 'half', causationId: eventId },
    );
    await stack.manager.definitions.waitUntil((v) => v.get('half') !== undefined, 30_000);
    const correlationId = randomUUID();
    const answer = stack.manager.events.waitForCorrelation(correlationId, 45_000);
    await stack.publisher.publish(
      `${stack.prefix}.pipeline.commands`,
      C('CreatePipeline'),
      { pipelineId: 'half', name: 'Half', definition: definitionFor('half'), requestedBy: 'tester', requestedAt: Date.now() },
      { key: 'half', eventId, correlationId, priority: 'high' },
    );
    const event = await answer;
    expect(event.type).to.equal(C('PipelineCreated'));
    expect(event.value).to.include({ pipelineId: 'half', version: 1 });
  });

  it('a restarted manager still knows every pipeline and rejects a duplicate create', async () => {
    await stack.manager.close();
    const manager = await stack.restart();
    expect(manager.definitions.get('orders')?.version).to.equal(1);
    expect(manager.events.pipeline('runs')?.status).to.equal('STOPPED');
    expect(rejection(await create('orders')).code).to.equal('TRIB_PIPELINE_EXISTS');
    const fresh = await create(`new-${randomUUID().slice(0, 8)}`);
    expect(fresh.type).to.equal(C('PipelineCreated'));
  });
});
