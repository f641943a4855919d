import { applyTopics, Headers } from '@tributary/broker';
import { controlTopicCatalog } from '@tributary/schemas';
import { waitFor } from '@tributary/testing';
import { expect } from 'chai';
import type { Producer } from 'kafkajs';
import { createMonitoringView, type MonitoringView } from '../src/index.js';
import { alert, health, HOUR, MINUTE, SECOND, silence, snapshot } from './support/monitoring-events.js';
import { createTestStack, type TestStack } from './support/stack.js';

const SNAPSHOT = 'tributary.monitoring.MetricSnapshot';
const BATCH = 'tributary.monitoring.MetricBatch';

describe('monitoring read model on the real broker', function () {
  this.timeout(90_000);
  let stack: TestStack;
  let producer: Producer;
  let view: MonitoringView | undefined;
  let topics: { events: string; alerts: string; metrics: string };

  beforeEach(async () => {
    stack = await createTestStack();
    const catalog = controlTopicCatalog({ prefix: stack.prefix });
    const admin = stack.kafka.admin();
    await admin.connect();
    try {
      await applyTopics({ admin, catalog: [catalog.events.monitoring, catalog.monitoringMetrics, catalog.monitoringAlerts] });
    } finally {
      await admin.disconnect();
    }
    topics = { events: catalog.events.monitoring.name, alerts: catalog.monitoringAlerts.name, metrics: catalog.monitoringMetrics.name };
    producer = stack.kafka.producer();
    await producer.connect();
  });
  afterEach(async () => {
    await view?.close();
    view = undefined;
    await producer.disconnect();
    await stack.close();
  });

  /**
   * Points as services write them now, one MetricBatch per point with two samples (the counter and a
   * heap gauge of twice its value), with the Kafka timestamp given, into one partition.
   */
  async function writeBatches(partition: number, points: { service: string; value: number; at: number }[]): Promise<void> {
    const encode = await stack.codec.encoderFor(topics.metrics, BATCH);
    await producer.send({
      topic: topics.metrics,
      messages: points.map((p) => {
        const counter = snapshot({ value: p.value });
        const heap = { ...snapshot({ metric: 'tributary_process_heap_bytes', kind: 'gauge', labels: {}, value: 2 * p.value }) };
        const samples = [counter, heap].map(({ metric, kind, labels, value, count, buckets }) => ({ metric, kind, labels, value, count, buckets }));
        return { partition, key: p.service, timestamp: String(p.at), headers: { [Headers.eventType]: BATCH }, value: encode({ service: p.service, instance: `${p.service}-1`, observedAt: p.at, samples }) };
      }),
    });
  }

  /** Old records (one MetricSnapshot a sample, as services wrote before MetricBatch) written with the Kafka timestamp given (the lookback goes by it), into one partition. */
  async function writeSnapshots(partition: number, points: { service: string; value: number; at: number }[]): Promise<void> {
    const encode = await stack.codec.encoderFor(topics.metrics, SNAPSHOT);
    await producer.send({
      topic: topics.metrics,
      messages: points.map((p) => ({
        partition,
        key: p.service,
        timestamp: String(p.at),
        headers: { [Headers.eventType]: SNAPSHOT },
        value: encode(snapshot({ service: p.service, instance: `${p.service}-1`, value: p.value, observedAt: p.at })),
      })),
    });
  }

  it('rebuilds health, alerts, silences and rules from the beginning and metric series (batches and older snapshots) from the lookback, skipping heartbeats and undecodable messages', async () => {
    const now = Date.now();
    const publish = (topic: string, type: string, value: unknown, key: string) => stack.publisher.publish(topic, `tributary.monitoring.${type}`, value, { key });
    // Five hours ago and now on partition 0 (as batches); partition 1 only holds old points of another service (as MetricSnapshot records, compatibility).
    await writeBatches(0, [
      { service: 'cpm', value: 1, at: now - 5 * HOUR },
      { service: 'cpm', value: 2, at: now - 5 * HOUR + 15 * SECOND },
      { service: 'cpm', value: 3, at: now - MINUTE },
      { service: 'cpm', value: 4, at: now - 30 * SECOND },
    ]);
    await writeSnapshots(1, [
      { service: 'batch', value: 1, at: now - 6 * HOUR },
      { service: 'batch', value: 2, at: now - 5 * HOUR },
    ]);
    await publish(topics.metrics, 'Heartbeat', { service: 'cpm', instance: 'cpm-1', version: null, ready: true, startedAt: now - HOUR, sentAt: now }, 'cpm');
    await producer.send({ topic: topics.metrics, messages: [{ key: 'cpm', value: Buffer.from('not avro'), headers: { [Headers.eventType]: SNAPSHOT } }] });

    await publish(topics.events, 'ComponentHealthChanged', health({ component: 'processor', instance: 'p-1', status: 'DEGRADED', lastSeenAt: now, changedAt: now }), 'processor');
    await publish(topics.events, 'ComponentHealthChanged', health({ component: 'processor', instance: null, status: 'DEGRADED', lastSeenAt: now, changedAt: now }), 'processor');
    await publish(topics.alerts, 'AlertStateChanged', alert({ alertId: 'a1', state: 'pending', activeSince: now - MINUTE, changedAt: now - MINUTE }), 'a1');
    await publish(topics.alerts, 'AlertStateChanged', alert({ alertId: 'a1', state: 'firing', previousState: 'pending', activeSince: now - MINUTE, changedAt: now - 30 * SECOND }), 'a1');
    await publish(topics.events, 'AlertAcknowledged', { alertId: 'a1', acknowledgedBy: 'ann', note: 'on it', acknowledgedAt: now - 10 * SECOND }, 'a1');
    await publish(topics.events, 'SilenceCreated', silence({ silenceId: 's1', startsAt: now - MINUTE, endsAt: now + HOUR, createdAt: now - MINUTE }), 's1');
    await publish(topics.events, 'AlertRulesChanged', { version: 3, rules: 'groups: []\n', ruleNames: [], changedBy: 'ann', changedAt: now }, 'alert-rules');
    // A command's rejection is skipped by its header: the view keeps none.
    await publish(topics.events, 'MonitoringCommandRejected', { command: 'tributary.monitoring.ExpireSilence', subject: 'x', code: 'TRIB_SILENCE_NOT_FOUND', message: 'no', details: null, requestedBy: 'ann', rejectedAt: now }, 'x');

    view = createMonitoringView({ kafka: stack.kafka, codec: stack.codec, topicPrefix: stack.prefix });
    await view.start();
    expect(view.caughtUp).to.equal(true);

    const series = view.series().series;
    expect(series.map((s) => [s.service, s.metric, s.points])).to.deep.equal([
      // The partition with nothing newer than the lookback is read from its last message, so the reader knows it caught up.
      ['batch', 'tributary_messages_consumed_total', 1],
      ['cpm', 'tributary_messages_consumed_total', 2],
      ['cpm', 'tributary_process_heap_bytes', 2],
    ]);
    expect(view.points({ service: 'cpm', metric: 'tributary_messages_consumed_total' }, { from: now - HOUR, to: now + MINUTE }).series[0]?.range.map((p) => p.value)).to.deep.equal([3, 4]);
    expect(view.points({ service: 'cpm', metric: 'tributary_process_heap_bytes' }, { from: now - HOUR, to: now + MINUTE }).series[0]?.range.map((p) => p.value)).to.deep.equal([6, 8]);
    expect(view.health()).to.deep.include({ status: 'DEGRADED' });
    expect(view.alerts().map((a) => [a.alertId, a.state, a.acknowledgement?.by])).to.deep.equal([['a1', 'firing', 'ann']]);
    expect(view.alertHistory({ alertId: 'a1' }).map((t) => t.state)).to.deep.equal(['firing', 'pending']);
    expect(view.silences().map((s) => [s.silenceId, s.state])).to.deep.equal([['s1', 'active']]);
    expect(view.alertRules()).to.include({ version: 3, rules: 'groups: []\n' });

    // And it follows what comes next.
    await writeBatches(0, [{ service: 'cpm', value: 5, at: Date.now() }]);
    await writeSnapshots(1, [{ service: 'batch', value: 3, at: Date.now() }]);
    await publish(topics.events, 'SilenceExpired', { silenceId: 's1', expiredBy: 'bob', expiredAt: Date.now() }, 's1');
    const last = () => view!.series().series.map((x) => [x.service, x.metric, x.lastValue]);
    await waitFor(() => last()[0]?.[2] === 3 && last()[1]?.[2] === 5 && view?.silence('s1')?.state === 'expired', { what: 'the new points and the expiry' });
    expect(last()).to.deep.equal([
      ['batch', 'tributary_messages_consumed_total', 3],
      ['cpm', 'tributary_messages_consumed_total', 5],
      ['cpm', 'tributary_process_heap_bytes', 10],
    ]);
  });
});
