import { randomUUID } from 'node:crypto';
import { Headers } from '@tributary/broker';
import { waitFor } from '@tributary/testing';
import { expect } from 'chai';
import {
  createDefinitionsView,
  createPipelineEventsView,
  type DefinitionsView,
  type PipelineEventsView,
  PipelineStateError,
} from '../src/index.js';
import { createTestStack, type TestStack } from './support/stack.js';
import { definitionText } from './support/events.js';

const definitionRecord = (pipelineId: string, version: number) => ({
  pipelineId,
  name: 'Orders',
  version,
  definition: definitionText.replace('"orders"', JSON.stringify(pipelineId)),
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_000 + version,
  updatedBy: 'ann',
});

describe('read models on the real broker', function () {
  this.timeout(90_000);
  let stack: TestStack;
  const views: { close(): Promise<void> }[] = [];
  const track = <V extends { close(): Promise<void> }>(v: V): V => {
    views.push(v);
    return v;
  };

  beforeEach(async () => {
    stack = await createTestStack();
  });

  afterEach(async () => {
    await Promise.all(views.splice(0).map((v) => v.close()));
    await stack.close();
  });

  const definitionsView = (): DefinitionsView =>
    track(createDefinitionsView({ kafka: stack.kafka, codec: stack.codec, topicPrefix: stack.prefix }));
  const eventsView = (): PipelineEventsView =>
    track(createPipelineEventsView({ kafka: stack.kafka, codec: stack.codec, topicPrefix: stack.prefix }));

  it('starts at once on empty topics', async () => {
    const defs = definitionsView();
    const events = eventsView();
    await Promise.all([defs.start(), events.start()]);
    expect(defs.caughtUp && events.caughtUp).to.equal(true);
    expect(defs.list()).to.deep.equal([]);
    expect(events.pipelines()).to.deep.equal([]);
  });

  it('shows a written definition, removes it on a tombstone, and a view started later catches up', async () => {
    const defs = definitionsView();
    await defs.start();
    const changes: [string, number | undefined][] = [];
    defs.subscribe((id, entry) => changes.push([id, entry?.version]));

    await stack.publisher.publish(stack.topics.definitions, 'tributary.pipeline.PipelineDefinition', definitionRecord('p1', 1), {
      key: 'p1',
      causationId: 'cmd-1',
    });
    await stack.publisher.publish(stack.topics.definitions, 'tributary.pipeline.PipelineDefinition', definitionRecord('p2', 2), { key: 'p2' });
    await waitFor(() => defs.get('p1') && defs.get('p2'), { what: 'both definitions in the view' });
    const p1 = defs.get('p1')!;
    expect(p1.version).to.equal(1);
    expect(p1.definition.id).to.equal('p1');
    expect(p1.definition.stages.map((s) => s.type)).to.deep.equal(['derive', 'filter']);
    expect(p1.causationId).to.equal('cmd-1');

    await stack.publisher.publishRaw(stack.topics.definitions, { key: 'p1', value: null, headers: {} });
    await defs.waitUntil((v) => v.get('p1') === undefined, 30_000, 'p1 tombstoned');
    expect(defs.list().map((e) => e.pipelineId)).to.deep.equal(['p2']);
    expect(changes).to.deep.include.members([
      ['p1', 1],
      ['p2', 2],
      ['p1', undefined],
    ]);

    const later = definitionsView();
    await later.start();
    expect(later.list().map((e) => [e.pipelineId, e.version])).to.deep.equal([['p2', 2]]);
  });

  it('folds pipeline and staging events into run state, also for a view started later', async () => {
    const publish = (topic: string, type: string, value: unknown) => stack.publisher.publish(topic, type, value, { key: 'orders' });
    await publish(stack.topics.pipelineEvents, 'tributary.pipeline.PipelineCreated', {
      pipelineId: 'orders',
      name: 'Orders',
      version: 1,
      definition: definitionText,
      createdBy: 'ann',
      createdAt: 1,
    });
    await publish(stack.topics.pipelineEvents, 'tributary.pipeline.RunStarted', {
      pipelineId: 'orders',
      runId: 'r1',
      pipelineVersion: 1,
      mode: 'live',
      replayFrom: null,
      replayUntil: null,
      startedBy: 'ann',
      startedAt: 2,
    });
    const first = eventsView();
    await first.start();
    expect(first.pipeline('orders')?.status).to.equal('RUNNING');

    const seen: string[] = [];
    first.subscribe((event, state) => seen.push(`${event.type}:${state.pipelines.orders?.runs[0]?.totals.recordsIn}`));
    await publish(stack.topics.stagingEvents, 'tributary.staging.StagingBatchCompleted', {
      pipelineId: 'orders',
      runId: null,
      batchId: 'b1',
      sourceTopic: 'x',
      sourcePartition: 0,
      firstOffset: 0,
      lastOffset: 9,
      recordsIn: 10,
      recordsStaged: 9,
      recordsRejected: 1,
      fields: [],
      startedAt: 3,
      completedAt: 4,
    });
    await first.waitUntil((v) => v.run('orders', 'r1')?.totals.recordsIn === 10, 30_000, 'staging counts');
    expect(first.run('orders', 'r1')!.stages[0]).to.deep.equal({ stage: 'staging', in: 10, out: 9, errored: 1 });
    expect(seen).to.deep.equal(['tributary.staging.StagingBatchCompleted:10']);

    const second = eventsView();
    await second.start();
    expect(second.state()).to.deep.equal(first.state());
  });

  it('catches up on a topic written in Kafka transactions (its high watermark lies past the last message)', async () => {
    const producer = stack.kafka.producer({ transactionalId: `psv-tx-${randomUUID()}`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const value = await stack.codec.encode(stack.topics.stagingEvents, 'tributary.staging.StagingBatchCompleted', {
        pipelineId: 'tx',
        runId: null,
        batchId: 'b1',
        sourceTopic: 'x',
        sourcePartition: 0,
        firstOffset: 0,
        lastOffset: 0,
        recordsIn: 1,
        recordsStaged: 1,
        recordsRejected: 0,
        fields: [],
        startedAt: 1,
        completedAt: 2,
      });
      const txn = await producer.transaction();
      const [sent] = await txn.send({ topic: stack.topics.stagingEvents, messages: [{ key: 'tx', value, headers: { 'event-type': 'tributary.staging.StagingBatchCompleted' } }] });
      await txn.commit();
      // A commit is acknowledged before the coordinator writes its markers; until then the last
      // stable offset (where a read-committed reader stops) is still before the message. Starting
      // the view in that window would rightly catch up to nothing: wait for the marker.
      const admin = stack.kafka.admin();
      await admin.connect();
      try {
        const partition = sent?.partition;
        const marker = BigInt(sent?.baseOffset ?? 0) + 1n;
        await waitFor(async () => (await admin.fetchTopicOffsets(stack.topics.stagingEvents)).some((p) => p.partition === partition && BigInt(p.high) > marker), {
          what: 'the commit marker written',
        });
      } finally {
        await admin.disconnect();
      }
    } finally {
      await producer.disconnect();
    }
    const seen: string[] = [];
    const events = eventsView();
    events.subscribe((e) => seen.push(e.type));
    await events.start();
    expect(events.caughtUp).to.equal(true);
    expect(seen).to.deep.equal(['tributary.staging.StagingBatchCompleted']);
  });

  it('lists processors that announced themselves within three intervals', async () => {
    const events = eventsView();
    await events.start();
    const now = Date.now();
    for (const [id, announcedAt] of [
      ['fresh', now],
      ['gone', now - 60_000],
    ] as const) {
      await stack.publisher.publish(
        stack.topics.pipelineEvents,
        'tributary.pipeline.ProcessorAnnounced',
        { processorId: id, url: `http://${id}`, pipelines: [], paused: [], intervalMs: 1_000, startedAt: now - 120_000, announcedAt },
        { key: id },
      );
    }
    await events.waitUntil((v) => Object.keys(v.state().processors).length === 2, 30_000, 'two announcements');
    expect(events.processors().map((p) => p.processorId)).to.deep.equal(['fresh']);
  });

  it('answers waitForCorrelation for an event published after the call and one seen before it, and times out otherwise', async () => {
    const events = eventsView();
    await events.start();
    const rejectedValue = {
      pipelineId: 'x',
      command: 'tributary.pipeline.CreatePipeline',
      code: 'TRIB_PIPELINE_EXISTS',
      message: 'exists',
      details: null,
      requestedBy: 'ann',
      rejectedAt: 1,
    };
    const before = randomUUID();
    await stack.publisher.publish(stack.topics.pipelineEvents, 'tributary.pipeline.CommandRejected', rejectedValue, {
      key: 'x',
      correlationId: before,
      causationId: 'cmd-before',
    });
    await events.waitUntil((v) => v.causedBy('cmd-before').length === 1, 30_000, 'the first rejection applied');

    const after = randomUUID();
    const waiting = events.waitForCorrelation(after, 30_000, { types: ['tributary.pipeline.CommandRejected'] });
    await stack.publisher.publish(stack.topics.pipelineEvents, 'tributary.pipeline.CommandRejected', rejectedValue, {
      key: 'x',
      correlationId: after,
      causationId: 'cmd-after',
    });
    const answer = await waiting;
    expect(answer.type).to.equal('tributary.pipeline.CommandRejected');
    expect(answer.headers[Headers.correlationId]).to.equal(after);
    expect((answer.value as { code: string }).code).to.equal('TRIB_PIPELINE_EXISTS');
    expect(events.causedBy('cmd-after').map((e) => e.correlationId)).to.deep.equal([after]);

    // The earlier one was applied before anyone asked: it is remembered.
    const earlier = await events.waitForCorrelation(before, 1_000);
    expect(earlier.correlationId).to.equal(before);

    const err = await events.waitForCorrelation(randomUUID(), 200).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(PipelineStateError);
    expect((err as PipelineStateError).code).to.equal('TRIB_CORRELATION_TIMEOUT');
  });
});
