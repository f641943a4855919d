/** Priority bands on the real broker: high work overtakes a low backlog; every member gets every band. */
import { priorityBands } from '@tributary/schemas';
import { uniqueName, waitFor } from '@tributary/testing';
import { expect } from 'chai';
import type { Admin } from 'kafkajs';
import { type ConsumedEvent, createConsumerRunner, type ConsumerRunner, createPublisher, type Publisher } from '../src/index.js';
import { type Command, createTopics, testCodec, testKafka } from './support/runtime.js';

const COMMAND = 'tributary.test.Command';

/** Simulated handler work, so a backlog takes a while to drain. */
function busy(micros: number): void {
  const end = performance.now() + micros / 1000;
  while (performance.now() < end) {
    // spin
  }
}

describe('priority bands on the real broker', function () {
  this.timeout(180_000);
  const kafka = testKafka('priority-test');
  const codec = testCodec();
  const bands = priorityBands(6);
  let topic: string;
  const bandsOf = (t: string) => (t === topic ? bands : undefined);
  let admin: Admin;
  let publisher: Publisher;
  const runners: ConsumerRunner[] = [];

  beforeEach(async () => {
    topic = uniqueName('it-priority');
    await createTopics(admin, [
      { topic, numPartitions: 6 },
      { topic: `${topic}.dlq`, numPartitions: 1 },
    ]);
  });
  before(async () => {
    admin = kafka.admin();
    await admin.connect();
    publisher = createPublisher({ kafka, codec, bandsOf });
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.close()));
  });
  after(async () => {
    await publisher.close();
    await admin.disconnect();
  });

  it('handles a high-priority command before a backlog of 20,000 low-priority ones drains', async () => {
    const backlog = 20_000;
    const pending: Promise<unknown>[] = [];
    for (let seq = 0; seq < backlog; seq++) {
      pending.push(publisher.publish(topic, COMMAND, { id: `low-${seq}`, seq, sentAt: Date.now(), note: '' }, { key: `k${seq % 97}`, priority: 'low' }));
    }
    await Promise.all(pending);
    await publisher.publish(topic, COMMAND, { id: 'urgent', seq: -1, sentAt: Date.now(), note: '' }, { key: 'urgent', priority: 'high' });
    const partitions = await admin.fetchTopicOffsets(topic);
    const lowEnd = partitions.filter((p) => p.partition >= 4).reduce((n, p) => n + Number(p.high), 0);
    expect(lowEnd, 'the whole backlog sits in the low band').to.equal(backlog);

    let lowHandled = 0;
    let lowBeforeHigh: number | undefined;
    const runner = createConsumerRunner({
      kafka,
      codec,
      publisher,
      bandsOf,
      groupId: uniqueName('it-priority-group'),
      topics: [topic],
      handlers: {
        [COMMAND]: (event: ConsumedEvent<Command>) => {
          if (event.priority === 'high') lowBeforeHigh = lowHandled;
          else {
            busy(100);
            lowHandled++;
          }
        },
      },
    });
    runners.push(runner);
    await runner.start();
    await waitFor(() => lowBeforeHigh !== undefined, { timeoutMs: 120_000, what: 'the high-priority command' });
    expect(lowBeforeHigh).to.be.below(backlog / 2);
    // The starvation guard and the end of the high band let the backlog drain afterwards.
    await waitFor(() => lowHandled === backlog, { timeoutMs: 120_000, what: `the low backlog to drain (${lowHandled})` });
  });

  it('gives each of two group members partitions of every band', async () => {
    const groupId = uniqueName('it-priority-members');
    const make = () =>
      createConsumerRunner({ kafka, codec, publisher, bandsOf, groupId, topics: [topic], handlers: { [COMMAND]: () => undefined } });
    const a = make();
    const b = make();
    runners.push(a, b);
    await Promise.all([a.start(), b.start()]);
    const settled = () => {
      const pa = a.assignment[topic] ?? [];
      const pb = b.assignment[topic] ?? [];
      return pa.length + pb.length === 6 && new Set([...pa, ...pb]).size === 6 && pa.length > 0 && pb.length > 0;
    };
    await waitFor(settled, { timeoutMs: 60_000, what: 'both members to hold partitions' });
    for (const member of [a, b]) {
      const parts = member.assignment[topic]!;
      for (const band of bands) {
        expect(parts.some((p) => p >= band.firstPartition && p <= band.lastPartition), `${band.priority} band in ${parts.join(',')}`).to.equal(true);
      }
    }
  });
});
