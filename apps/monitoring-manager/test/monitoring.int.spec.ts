import { BaselineBook, BaselineStore, type MetricPoint, seriesKey } from '@tributary/monitoring-baselines';
import { PrivateRedis, uniqueName, waitFor } from '@tributary/testing';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { GROUP_LAG_METRIC } from '../src/lag/lag.js';
import { fastRedis, Stack } from './helpers.js';

const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);

/** A steady noisy gauge (deterministic), then `spike` points far above it. */
function latencySeries(service: string, points: number, spike = 0): MetricPoint[] {
  return Array.from({ length: points + spike }, (_, i) => ({
    service,
    instance: `${service}-0`,
    metric: 'tributary_test_latency_ms',
    kind: 'gauge' as const,
    labels: { topic: 'orders' },
    value: i < points ? 100 + ((i * 37) % 11) - 5 : 400,
    count: null,
    buckets: [],
    observedAt: T0 + i * 1_000,
  }));
}

describe('monitoring manager on the real stack', () => {
  const stack = new Stack();
  const clients: Redis[] = [];
  const redis = async (url = stack.config.redis.url) => {
    const r = await fastRedis(url);
    clients.push(r);
    return r;
  };

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') console.log(stack.logLines.slice(-30).join(''));
    await stack.closeManagers();
  });
  before(async () => {
    await stack.start();
  });
  after(async () => {
    await stack.close();
    for (const r of clients) r.disconnect();
  });

  it('keeps baselines equal to the same points computed in process, writes them to Redis, and publishes a latency spike as one anomaly', async function () {
    this.timeout(120_000);
    const manager = await stack.manager(await redis());
    const events = await stack.read(stack.topics.events);
    const service = uniqueName('svc').toLowerCase();
    const points = latencySeries(service, 120, 4);
    await stack.snapshots(points);
    const key = seriesKey({ service, metric: 'tributary_test_latency_ms', labels: { topic: 'orders' } });
    await waitFor(() => manager.book.baseline(key)?.lastAt === points.at(-1)!.observedAt, { what: 'every point applied', timeoutMs: 60_000 });

    // The same points through the library in process: the same baseline and the same anomaly.
    const local = new BaselineBook();
    const expected = local.apply(points);
    expect(manager.book.snapshot(key)).to.deep.equal(local.snapshot(key));
    const anomalies = () => events.filter((e) => e.type === 'tributary.monitoring.MetricAnomalyDetected' && e.value.service === service);
    await waitFor(() => anomalies().length > 0, { what: 'the anomaly' });
    await new Promise((r) => setTimeout(r, 1_000)); // a second one would show now
    const detected = anomalies();
    expect(expected.transitions.map((t) => t.anomaly.id)).to.deep.equal(detected.map((e) => e.value.anomalyId));
    expect(detected).to.have.length(1);
    expect(detected[0]!.value).to.include({ kind: 'deviation', metric: 'tributary_test_latency_ms', value: 400, direction: 'up' });
    expect(detected[0]!.key).to.equal(service);

    // Written to Redis: a store of its own reads the same baseline back.
    await waitFor(() => manager.baselines().dirtySeries === 0 && manager.baselines().store === 'ok', { what: 'the baselines flushed' });
    const stored = await new BaselineStore({ redis: await redis(), prefix: `${stack.prefix}:monitoring` }).load([key]);
    expect(stored.snapshots).to.deep.equal([local.snapshot(key)]);
  });

  it('judges a service from its heartbeats: UP, then DOWN within the heartbeat timeout after they stop', async function () {
    this.timeout(60_000);
    await stack.manager(await redis(), { heartbeatTimeoutMs: 1_500 });
    const events = await stack.read(stack.topics.events);
    const service = uniqueName('beating').toLowerCase();
    const health = () => events.filter((e) => e.type === 'tributary.monitoring.ComponentHealthChanged' && e.value.component === service && e.value.instance === null);
    let lastBeat = 0;
    for (let i = 0; i < 12; i++) {
      lastBeat = Date.now();
      await stack.heartbeat(service, `${service}-0`, lastBeat);
      await new Promise((r) => setTimeout(r, 250));
    }
    await waitFor(() => health().some((e) => e.value.status === 'UP'), { what: `${service} UP` });
    const down = await waitFor(() => health().find((e) => e.value.status === 'DOWN'), { what: `${service} DOWN`, timeoutMs: 10_000 });
    // DOWN once the timeout passed, within a tick of it (the manager ticks every 200 ms here).
    expect(Number(down.value.changedAt) - lastBeat).to.be.within(1_500, 1_500 + 1_000);
    expect(down.value.previousStatus).to.equal('UP');
    expect(down.value.reason).to.match(/no heartbeat/);
  });

  it('measures consumer group lag from Kafka and publishes it as a metric', async function () {
    this.timeout(60_000);
    await stack.manager(await redis());
    const topic = uniqueName(`${stack.prefix}-lagged`);
    await stack.admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = stack.kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })) });
    await producer.disconnect();
    const groupId = uniqueName(`${stack.prefix}-slow-group`);
    await stack.admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '3' }] });
    const metrics = await stack.read(stack.topics.metrics);
    const lag = await waitFor(
      () => metrics.find((m) => m.type === 'tributary.monitoring.MetricSnapshot' && m.value.metric === GROUP_LAG_METRIC && (m.value.labels as Record<string, string>).group === groupId),
      { what: `the lag of ${groupId}`, timeoutMs: 30_000 },
    );
    expect(lag.value).to.deep.include({ service: 'kafka', kind: 'gauge', value: 7 });
    expect(lag.value.labels).to.deep.equal({ group: groupId, topic });
  });

  it('goes on in memory while Redis is down and says so; Redis back empty gets every baseline again; a restart with Redis empty rebuilds them from Kafka', async function () {
    this.timeout(120_000);
    const server = await PrivateRedis.start();
    try {
      const instanceId = uniqueName('mm-redis');
      const manager = await stack.manager(await redis(server.url), {}, instanceId);
      const events = await stack.read(stack.topics.events);
      const redisHealth = () => events.filter((e) => e.type === 'tributary.monitoring.ComponentHealthChanged' && e.value.component === 'redis' && e.value.instance === instanceId).map((e) => e.value.status);
      const service = uniqueName('cached').toLowerCase();
      const points = latencySeries(service, 60);
      const key = seriesKey({ service, metric: 'tributary_test_latency_ms', labels: { topic: 'orders' } });
      await stack.snapshots(points.slice(0, 30));
      await waitFor(() => redisHealth().includes('UP'), { what: 'the first flush' });

      await server.stop();
      await stack.snapshots(points.slice(30));
      await waitFor(() => manager.book.baseline(key)?.lastAt === points.at(-1)!.observedAt, { what: 'points applied with Redis down' });
      await waitFor(() => redisHealth().at(-1) === 'DEGRADED', { what: 'redis DEGRADED' });
      expect(manager.baselines().store).to.equal('degraded');

      await server.start(); // empty: no persistence
      await waitFor(() => redisHealth().at(-1) === 'UP', { what: 'redis UP again', timeoutMs: 30_000 });
      const checker = await redis(server.url);
      const store = new BaselineStore({ redis: checker, prefix: `${stack.prefix}:monitoring` });
      const expected = new BaselineBook();
      expected.apply(points);
      expect((await store.load([key])).snapshots).to.deep.equal([expected.snapshot(key)]);

      // Restart with Redis wiped: the baselines come back from the topic's history.
      await manager.close();
      await checker.flushall();
      const restarted = await stack.manager(await redis(server.url), {}, instanceId);
      expect(restarted.book.snapshot(key)).to.deep.equal(expected.snapshot(key));
    } finally {
      await server.stop();
    }
  });
});
