/**
 * The messaging runtime on the real broker and registry: publish/consume with headers and traces,
 * retries, dead letters, redrive, malformed input, transactions. One unique topic set per test.
 */
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { createTelemetry } from '@tributary/observability';
import { uniqueName, waitFor } from '@tributary/testing';
import { expect } from 'chai';
import type { Admin, Kafka } from 'kafkajs';
import {
  type ConsumedEvent,
  createConsumerRunner,
  type ConsumerRunner,
  createPublisher,
  DeadLetterHeaders,
  headersToStrings,
  type Publisher,
  redriveDeadLetters,
  UnrecoverableError,
} from '../src/index.js';
import { type Command, createTopics, readMessages, testCodec, testKafka } from './support/runtime.js';

const COMMAND = 'tributary.test.Command';
const DONE = 'tributary.test.Done';
const fastRetry = { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 };

describe('messaging runtime on the real broker', function () {
  const kafka: Kafka = testKafka('runtime-test');
  const codec = testCodec();
  let admin: Admin;
  let publisher: Publisher;
  const runners: ConsumerRunner[] = [];

  before(async () => {
    admin = kafka.admin();
    await admin.connect();
    publisher = createPublisher({ kafka, codec });
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.close()));
  });
  after(async () => {
    await publisher.close();
    await admin.disconnect();
  });

  async function topicSet(name: string, partitions = 3) {
    const topic = uniqueName(`it-rt-${name}`);
    await createTopics(admin, [
      { topic, numPartitions: partitions },
      { topic: `${topic}.dlq`, numPartitions: 1 },
      { topic: `${topic}.out`, numPartitions: 1 },
    ]);
    return { topic, dlq: `${topic}.dlq`, out: `${topic}.out` };
  }

  function command(seq: number, note = ''): Command {
    return { id: `cmd-${seq}`, seq, sentAt: Date.now(), note };
  }

  async function run(deps: Omit<Parameters<typeof createConsumerRunner>[0], 'kafka' | 'codec' | 'publisher' | 'groupId'> & { publisher?: Publisher }) {
    const runner = createConsumerRunner({ kafka, codec, publisher, groupId: uniqueName('it-rt-group'), ...deps });
    runners.push(runner);
    await runner.start();
    return runner;
  }

  it('delivers typed events with the standard headers, and outputs inherit correlation and causation', async () => {
    const { topic, out } = await topicSet('headers');
    const seen: ConsumedEvent<Command>[] = [];
    await run({
      topics: [topic],
      handlers: {
        [COMMAND]: (event: ConsumedEvent<Command>, ctx) => {
          seen.push(event);
          ctx.publish(out, DONE, { id: event.value.id, seq: event.value.seq }, { key: event.key });
        },
      },
    });
    const receipt = await publisher.publish(topic, COMMAND, command(1, 'hello'), { key: 'k1', correlationId: 'conv-1', priority: 'high' });
    await waitFor(() => seen.length === 1, { what: 'the command to be handled' });
    const event = seen[0]!;
    expect(event).to.deep.include({ type: COMMAND, key: 'k1', eventId: receipt.eventId, correlationId: 'conv-1', priority: 'high' });
    expect(event.value).to.deep.include({ id: 'cmd-1', seq: 1, note: 'hello' });
    expect(event.headers).to.include({ 'event-type': COMMAND, 'event-id': receipt.eventId, 'correlation-id': 'conv-1', priority: 'high' });

    const [output] = await readMessages(kafka, out, 1);
    const headers = headersToStrings(output!.headers);
    expect(headers).to.include({ 'event-type': DONE, 'correlation-id': 'conv-1', 'causation-id': receipt.eventId });
    expect(output!.key?.toString()).to.equal('k1');
    expect((await codec.decode(output!.value!)).value).to.deep.equal({ id: 'cmd-1', seq: 1 });
  });

  it('publishes a raw batch larger than the buffer under one promise, with Buffer and string header values as the same bytes', async () => {
    const { topic } = await topicSet('raw-batch', 1);
    // A buffer of 4 KiB for 200 messages of about 100 bytes: the batch has to wait for room.
    const small = createPublisher({ kafka, codec, options: { bufferMaxBytes: 4096, maxBatchBytes: 2048, maxBatchCount: 50 } });
    try {
      const shared = Buffer.from('batch-7 ü');
      const messages = Array.from({ length: 200 }, (_, i) => ({
        key: i % 2 === 0 ? Buffer.from(`key-${i}`) : `key-${i}`,
        value: i % 2 === 0 ? Buffer.from(`{"seq":${i},"pad":"${'x'.repeat(80)}"}`) : `{"seq":${i},"pad":"${'x'.repeat(80)}"}`,
        headers: { 'event-type': 'tributary.test.Raw', 'batch-id': shared, 'record-id': `key-${i}` },
      }));
      await small.publishRawBatch(topic, 'tributary.test.Raw', messages);
      // Resolved only once every message is acknowledged: all 200 are on the partition already.
      expect((await admin.fetchTopicOffsets(topic))[0]?.high).to.equal('200');
      const read = await readMessages(kafka, topic, 200);
      expect(read.map((m) => (JSON.parse(m.value!.toString()) as { seq: number }).seq)).to.deep.equal(messages.map((_, i) => i));
      expect(read.map((m) => m.key!.toString())).to.deep.equal(messages.map((_, i) => `key-${i}`));
      for (const [i, m] of read.entries()) {
        expect(headersToStrings(m.headers)).to.deep.equal({ 'event-type': 'tributary.test.Raw', 'batch-id': 'batch-7 ü', 'record-id': `key-${i}` });
      }
      await small.publishRawBatch(topic, 'tributary.test.Raw', []); // nothing to send: resolves at once
    } finally {
      await small.close();
    }
  });

  it('stops a raw batch that waits for room when the publisher closes: it rejects, and what was queued is still written', async () => {
    const { topic } = await topicSet('raw-batch-closed', 1);
    const small = createPublisher({ kafka, codec, options: { bufferMaxBytes: 4096, maxBatchBytes: 2048, maxBatchCount: 50 } });
    const messages = Array.from({ length: 200 }, (_, i) => ({ key: `key-${i}`, value: `{"seq":${i},"pad":"${'x'.repeat(80)}"}`, headers: {} }));
    const batch = small.publishRawBatch(topic, 'tributary.test.Raw', messages).then(
      () => undefined,
      (err: unknown) => err,
    );
    // 200 messages of ~100 bytes do not fit in 4 KiB: the batch is waiting for room when the close comes.
    await small.close();
    const error = await batch;
    expect((error as { code?: string } | undefined)?.code).to.equal('TRIB_PUBLISHER_CLOSED');
    const written = Number((await admin.fetchTopicOffsets(topic))[0]?.high);
    expect(written).to.be.greaterThan(0).and.lessThan(200);
  });

  it('rejects a raw batch when the broker refuses part of it', async () => {
    const { topic } = await topicSet('raw-batch-refused', 1);
    // 2 MiB is over the broker's default limit of 1 MiB for a record batch: MESSAGE_TOO_LARGE.
    const messages = [Buffer.alloc(10, 1), Buffer.alloc(2 * 1024 * 1024, 2)].map((value) => ({ key: null, value, headers: {} }));
    const error = await publisher.publishRawBatch(topic, 'tributary.test.Raw', messages).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.match(/Publishing 1 messages failed/);
  });

  it('rejects a publish it cannot make, never throws: a value the schema refuses, a send the broker refuses, a closed publisher', async () => {
    const { topic } = await topicSet('publish-rejects', 1);
    const exporter = new InMemorySpanExporter();
    const telemetry = createTelemetry({ serviceName: 'runtime-test', exporter, spanProcessor: 'simple' });
    const traced = createPublisher({ kafka, codec, telemetry });
    const failure = (publish: () => Promise<unknown>) => {
      try {
        return publish().then(() => undefined, (err: unknown) => err);
      } catch (err) {
        return Promise.resolve(`threw ${String(err)}`);
      }
    };
    // The encoder is already known (the first publish goes through), then a value without its fields.
    await traced.publish(topic, COMMAND, command(1));
    const refused = await failure(() => traced.publish(topic, COMMAND, { id: 7 }));
    expect(refused).to.be.instanceOf(Error);
    // 2 MiB of note is over the broker's limit for a record batch: the send fails, the span records it.
    const tooLarge = await failure(() => traced.publish(topic, COMMAND, command(2, 'x'.repeat(2 * 1024 * 1024))));
    expect(tooLarge).to.be.instanceOf(Error);
    expect((tooLarge as Error).message).to.match(/Publishing 1 messages failed/);
    const spans = exporter.getFinishedSpans().filter((span) => span.name === `publish ${topic}`);
    expect(spans.map((span) => span.status.code)).to.deep.equal([0, 2]); // UNSET for the first, ERROR for the refused send
    await traced.close();
    const closed = await failure(() => traced.publish(topic, COMMAND, command(3)));
    expect(closed).to.be.instanceOf(Error);
    expect((closed as { code?: string }).code).to.equal('TRIB_PUBLISHER_CLOSED');
    await telemetry.close();
  });

  it('continues the producer trace in the consumer span', async () => {
    const { topic } = await topicSet('trace');
    const exporter = new InMemorySpanExporter();
    const telemetry = createTelemetry({ serviceName: 'runtime-test', exporter, spanProcessor: 'simple' });
    const tracedPublisher = createPublisher({ kafka, codec, telemetry });
    let handled = false;
    await run({ topics: [topic], telemetry, handlers: { [COMMAND]: () => void (handled = true) } });
    await tracedPublisher.publish(topic, COMMAND, command(1));
    await waitFor(() => handled, { what: 'the traced command' });
    await tracedPublisher.close();
    const spans = await waitFor(() => (exporter.getFinishedSpans().length >= 2 ? exporter.getFinishedSpans() : undefined), {
      what: 'two finished spans',
    });
    const producer = spans.find((s) => s.name === `publish ${topic}`)!;
    const consumer = spans.find((s) => s.name === `process ${topic}`)!;
    expect(consumer.spanContext().traceId).to.equal(producer.spanContext().traceId);
    expect(consumer.parentSpanContext?.spanId).to.equal(producer.spanContext().spanId);
    await telemetry.close();
  });

  it('dead-letters exactly the poison message with the documented headers and keeps the partition flowing', async () => {
    const { topic, dlq } = await topicSet('poison', 1);
    const handled: number[] = [];
    await run({
      topics: [topic],
      options: { retry: fastRetry },
      handlers: {
        [COMMAND]: (event: ConsumedEvent<Command>) => {
          if (event.value.note === 'poison') throw new UnrecoverableError('cannot ever handle this', 'TRIB_TEST_POISON');
          handled.push(event.value.seq);
        },
      },
    });
    for (let seq = 1; seq <= 5; seq++) await publisher.publish(topic, COMMAND, command(seq, seq === 3 ? 'poison' : ''), { key: 'same' });
    await waitFor(() => handled.length === 4, { what: 'the four good commands' });
    expect(handled).to.deep.equal([1, 2, 4, 5]);

    const [dead, ...more] = await readMessages(kafka, dlq, 1);
    expect(more).to.have.length(0);
    const headers = headersToStrings(dead!.headers);
    expect(headers).to.include({
      [DeadLetterHeaders.errorCode]: 'TRIB_TEST_POISON',
      [DeadLetterHeaders.errorMessage]: 'cannot ever handle this',
      [DeadLetterHeaders.attempts]: '1',
      [DeadLetterHeaders.originalTopic]: topic,
      [DeadLetterHeaders.originalPartition]: '0',
      [DeadLetterHeaders.originalOffset]: '2',
      'event-type': COMMAND,
    });
    expect(Date.parse(headers[DeadLetterHeaders.firstFailureAt]!)).to.be.a('number').and.not.NaN;
    expect((await codec.decode(dead!.value!)).value).to.deep.include({ seq: 3, note: 'poison' });
  });

  it('retries a retriable failure with backoff until it succeeds, without dead-lettering', async () => {
    const { topic } = await topicSet('flaky', 1);
    let attempts = 0;
    let succeeded = false;
    await run({
      topics: [topic],
      options: { retry: { maxAttempts: 5, initialDelayMs: 10, maxDelayMs: 50 } },
      handlers: {
        [COMMAND]: (_e, ctx) => {
          attempts = ctx.attempt;
          if (ctx.attempt < 3) throw Object.assign(new Error('dependency briefly down'), { retriable: true });
          succeeded = true;
        },
      },
    });
    await publisher.publish(topic, COMMAND, command(1));
    await waitFor(() => succeeded, { what: 'the third attempt to succeed' });
    expect(attempts).to.equal(3);
    const offsets = await admin.fetchTopicOffsets(`${topic}.dlq`);
    expect(offsets[0]?.high).to.equal('0');
  });

  it('dead-letters a message whose retries run out, then redrives it once the cause is fixed', async () => {
    const { topic, dlq } = await topicSet('redrive', 1);
    let broken = true;
    const handled: number[] = [];
    await run({
      topics: [topic],
      options: { retry: fastRetry },
      handlers: {
        [COMMAND]: (event: ConsumedEvent<Command>) => {
          if (broken && event.value.seq === 2) throw new Error('downstream refused');
          handled.push(event.value.seq);
        },
      },
    });
    for (let seq = 1; seq <= 3; seq++) await publisher.publish(topic, COMMAND, command(seq));
    await waitFor(() => handled.length === 2, { what: 'commands 1 and 3' });
    const [dead] = await readMessages(kafka, dlq, 1);
    expect(headersToStrings(dead!.headers)[DeadLetterHeaders.attempts]).to.equal('3');

    broken = false;
    const result = await redriveDeadLetters({ kafka, publisher, dlqTopic: dlq });
    expect(result).to.deep.include({ redriven: 1, skipped: 0 });
    await waitFor(() => handled.length === 3, { what: 'the redriven command' });
    expect(handled).to.deep.equal([1, 3, 2]);
    // A second redrive finds nothing new.
    expect((await redriveDeadLetters({ kafka, publisher, dlqTopic: dlq })).redriven).to.equal(0);
  });

  it('dead-letters malformed bytes and unknown schema ids without stopping', async () => {
    const { topic, dlq } = await topicSet('malformed', 1);
    const handled: number[] = [];
    await run({
      topics: [topic],
      options: { retry: fastRetry },
      handlers: { [COMMAND]: (event: ConsumedEvent<Command>) => void handled.push(event.value.seq) },
    });
    const producer = kafka.producer();
    await producer.connect();
    const unknownId = Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 1, 2, 3]);
    await producer.send({ topic, messages: [{ value: 'not avro at all' }, { value: unknownId }] });
    await producer.disconnect();
    await publisher.publish(topic, COMMAND, command(7));
    await waitFor(() => handled.length === 1, { what: 'the good command after the bad bytes' });
    const dead = await readMessages(kafka, dlq, 2);
    const codes = dead.map((m) => headersToStrings(m.headers)[DeadLetterHeaders.errorCode]);
    expect(codes).to.deep.equal(['TRIB_CODEC_MALFORMED', 'TRIB_CODEC_UNKNOWN_SCHEMA']);
    expect(dead[0]!.value!.toString()).to.equal('not avro at all');
  });

  it('commits outputs and offsets together in transactional mode', async () => {
    const { topic, out } = await topicSet('txn', 1);
    let handled = 0;
    await run({
      topics: [topic],
      options: { transactionalId: uniqueName('it-rt-txn') },
      handlers: {
        [COMMAND]: (event: ConsumedEvent<Command>, ctx) => {
          handled++;
          ctx.publish(out, DONE, { id: event.value.id, seq: event.value.seq });
        },
      },
    });
    for (let seq = 1; seq <= 3; seq++) await publisher.publish(topic, COMMAND, command(seq));
    const outputs = await readMessages(kafka, out, 3);
    expect(handled).to.equal(3);
    const seqs = await Promise.all(outputs.map(async (m) => ((await codec.decode(m.value!)).value as { seq: number }).seq));
    expect(seqs).to.deep.equal([1, 2, 3]);
  });

  it('sends a transaction whose outputs exceed the broker\'s batch size limit in several requests', async () => {
    const { topic, out } = await topicSet('txn-big', 1);
    // 300 outputs of 8 KiB in one transaction: 2.4 MiB, over the topic's 1 MiB max.message.bytes.
    for (let seq = 1; seq <= 300; seq++) await publisher.publish(topic, COMMAND, command(seq));
    const checkpoints: number[] = [];
    await run({
      topics: [topic],
      options: { transactionalId: uniqueName('it-rt-txn-big'), commitEvery: 300 },
      handlers: {
        [COMMAND]: (event: ConsumedEvent<Command>, ctx) => {
          ctx.publish(out, DONE, { id: `${event.value.id}-${'x'.repeat(8 * 1024)}`, seq: event.value.seq });
        },
      },
      beforeCommit: (c) => checkpoints.push(Number(c.lastOffset) - Number(c.firstOffset) + 1),
    });
    const outputs = await readMessages(kafka, out, 300);
    const seqs = await Promise.all(outputs.map(async (m) => ((await codec.decode(m.value!)).value as { seq: number }).seq));
    expect(seqs).to.deep.equal(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(Math.max(...checkpoints)).to.be.greaterThan(128); // at least one transaction really was over 1 MiB
  });

  it('says a partition is caught up only once its last fetched message is handled and committed', async () => {
    const { topic } = await topicSet('caught-up', 1);
    // One record batch per message and small fetches: the backlog takes several batches.
    for (let seq = 1; seq <= 30; seq++) await publisher.publish(topic, COMMAND, command(seq));
    const groupId = uniqueName('it-rt-caught-up');
    let handled = 0;
    const calls: { partition: number; handled: number; committed: string | undefined }[] = [];
    const runner = createConsumerRunner({
      kafka,
      codec,
      publisher,
      groupId,
      topics: [topic],
      options: { maxBytesPerPartition: 1024 },
      handlers: { [COMMAND]: () => void handled++ },
      onCaughtUp: ({ partition }) => {
        calls.push({ partition, handled, committed: undefined });
        const call = calls.at(-1)!;
        void admin.fetchOffsets({ groupId, topics: [topic] }).then((o) => (call.committed = o[0]!.partitions[0]!.offset));
      },
    });
    runners.push(runner);
    await runner.start();
    await waitFor(() => calls[0]?.committed !== undefined, { what: 'the first caught-up call' });
    expect(calls[0]).to.deep.equal({ partition: 0, handled: 30, committed: '30' });
    for (let seq = 31; seq <= 35; seq++) await publisher.publish(topic, COMMAND, command(seq));
    await waitFor(() => calls.some((c) => c.handled === 35 && c.committed !== undefined), { what: 'caught up again' });
    // Never called while messages of the backlog were still unread.
    expect(calls.filter((c) => c.handled < 30)).to.deep.equal([]);
    expect(calls.find((c) => c.handled === 35)?.committed).to.equal('35');
  });

  for (const mode of ['at-least-once', 'transactional'] as const) {
    it(`publishes per-commit aggregates with the commit that covers them (${mode})`, async () => {
      const { topic, out } = await topicSet(`agg-${mode}`, 1);
      let pending = 0;
      const checkpoints: { first: string; last: string }[] = [];
      // All published before the runner starts, so the first fetch holds them all.
      await Promise.all(Array.from({ length: 30 }, (_, i) => publisher.publish(topic, COMMAND, command(i))));
      await run({
        topics: [topic],
        options: { commitEvery: 7, ...(mode === 'transactional' ? { transactionalId: uniqueName('it-rt-agg') } : {}) },
        handlers: { [COMMAND]: () => void pending++ },
        beforeCommit: (checkpoint) => {
          checkpoints.push({ first: checkpoint.firstOffset, last: checkpoint.lastOffset });
          checkpoint.publish(out, DONE, { id: `${checkpoint.firstOffset}-${checkpoint.lastOffset}`, seq: pending });
          pending = 0;
        },
        onUncommitted: () => (pending = 0),
      });
      await waitFor(() => checkpoints.at(-1)?.last === '29', { what: 'the last checkpoint' });
      const outputs = await readMessages(kafka, out, checkpoints.length);
      const done = await Promise.all(outputs.map(async (m) => (await codec.decode(m.value!)).value as { id: string; seq: number }));
      // Each aggregate counts exactly the offsets of its commit, and together they count every message once.
      expect(done.map((d) => d.id)).to.deep.equal(checkpoints.map((c) => `${c.first}-${c.last}`));
      for (const d of done) {
        const [first, last] = d.id.split('-').map(Number);
        expect(d.seq).to.equal(last! - first! + 1);
      }
      expect(done.reduce((sum, d) => sum + d.seq, 0)).to.equal(30);
      // Transactions commit every 7; at-least-once commits once per fetched batch.
      if (mode === 'transactional') expect(checkpoints.some((c) => Number(c.last) - Number(c.first) + 1 === 7)).to.equal(true);
    });
  }
});
