import { createMonitoringSink } from '@tributary/broker';
import { BaselineBook, BaselineStore, type MetricPoint, seriesKey } from '@tributary/monitoring-baselines';
import type { MetricBatch, MetricSnapshot } from '@tributary/schemas';
import { PrivateRedis, uniqueName, waitFor } from '@tributary/testing';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { GROUP_LAG_METRIC } from '../src/lag/lag.js';
import { fastRedis, Stack } from './helpers.js';

const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);

/**
 * `rounds` reports of one service instance, each sampling `series` series at once (counters, gauges
 * and histograms in turn), as a reporter takes them every 15 s.
 */
function reports(service: string, series: number, rounds: number): MetricSnapshot[][] {
  return Array.from({ length: rounds }, (_, r) =>
    Array.from({ length: series }, (_, i): MetricSnapshot => {
      const kind = (['counter', 'gauge', 'histogram'] as const)[i % 3]!;
      const level = 10 + i * 7 + ((r * 13 + i) % 5);
      return {
        service,
        instance: `${service}-0`,
        metric: `tributary_test_${kind}_${i}`,
        kind,
        labels: { topic: `t${i}` },
        value: kind === 'gauge' ? level : (r + 1) * level * 15,
        count: kind === 'histogram' ? (r + 1) * 15 : null,
        buckets: [],
        observedAt: T0 + r * 15_000,
      };
    }),
  );
}

/** Every series' baseline in `book` equals the reference's, for the series of `points`. */
function sameBaselines(book: BaselineBook, points: readonly MetricPoint[]): number {
  const reference = new BaselineBook();
  reference.apply(points);
  const keys = [...new Set(points.map((p) => seriesKey(p)))];
  for (const key of keys) expect(book.snapshot(key), key).to.deep.equal(reference.snapshot(key));
  return keys.length;
}

/** A steady noisy gauge (deterministic), then `spike` points far above it. */
function latencySeries(service: string, points: number, spike = 0): MetricSnapshot[] {
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
    const eventIds = await stack.report(points);
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
    // Its cause is the record of the point that tipped it (each point here is a batch of its own: one time each).
    const tipping = points.findIndex((p) => p.observedAt === detected[0]!.value.detectedAt);
    expect(tipping).to.be.at.least(120);
    expect(detected[0]!.headers['causation-id']).to.equal(eventIds[tipping]);

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
      () =>
        metrics.flatMap((m) => (m.type === 'tributary.monitoring.MetricBatch' ? (m.value as unknown as MetricBatch).samples.map((s) => ({ batch: m, sample: s })) : [])).find(({ sample }) => sample.metric === GROUP_LAG_METRIC && sample.labels.group === groupId),
      { what: `the lag of ${groupId}`, timeoutMs: 30_000 },
    );
    expect(lag.batch.value).to.include({ service: 'kafka' });
    expect(lag.batch.key).to.equal('kafka');
    expect(lag.sample).to.deep.include({ kind: 'gauge', value: 7 });
    expect(lag.sample.labels).to.deep.equal({ group: groupId, topic });
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
      await stack.report(points.slice(0, 30));
      await waitFor(() => redisHealth().includes('UP'), { what: 'the first flush' });

      await server.stop();
      // The rest as older MetricSnapshot records: the restart below replays both kinds.
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
  it('writes the baselines to Redis once it has caught up with the topic, and after a rebuild at start, without waiting for its tick', async function () {
    this.timeout(120_000);
    // A tick that never comes during the test, and no measured lag (its records would make the
    // manager catch up again): only the caught-up write can put them in Redis.
    const quiet = { tickMs: 3_600_000, heartbeatTimeoutMs: 3_600_000, lagIntervalMs: 3_600_000 };
    const manager = await stack.manager(await redis(), quiet);
    const service = uniqueName('caughtup').toLowerCase();
    const rounds = reports(service, 30, 4);
    for (const round of rounds) await stack.report(round);
    const points = rounds.flat();
    const keys = [...new Set(points.map((p) => seriesKey(p)))];
    const store = new BaselineStore({ redis: await redis(), prefix: `${stack.prefix}:monitoring` });
    expect(await waitFor(() => manager.book.baseline(keys.at(-1)!)?.lastAt === points.at(-1)!.observedAt, { what: 'every point applied' })).to.equal(true);
    expect(sameBaselines(manager.book, points)).to.equal(30);
    await waitFor(
      async () => {
        expect((await store.load(keys)).snapshots).to.deep.equal(keys.map((k) => manager.book.snapshot(k)));
        return true;
      },
      { what: 'the same baselines in Redis', timeoutMs: 30_000 },
    );

    // Restarted with Redis empty: what the replay rebuilt is written at start, not at the first tick.
    const expected = keys.map((k) => manager.book.snapshot(k));
    await stack.closeManagers();
    await store.clear();
    await stack.manager(await redis(), quiet);
    await waitFor(
      async () => {
        expect((await store.load(keys)).snapshots).to.deep.equal(expected);
        return true;
      },
      { what: 'the rebuilt baselines in Redis', timeoutMs: 30_000 },
    );
  });

  it("applies all the points of a service's MetricBatch records, each record in ONE book.apply call: baselines equal to the same points in process", async function () {
    this.timeout(120_000);
    const manager = await stack.manager(await redis());
    const service = uniqueName('batched').toLowerCase();
    /** Points per apply() call for this service (the measured lag, of service kafka, goes through too). */
    const calls: number[] = [];
    const apply = manager.book.apply.bind(manager.book);
    manager.book.apply = (points) => {
      const list = [...points];
      if (list.some((p) => p.service === service)) calls.push(list.length);
      return apply(list);
    };
    const rounds = reports(service, 60, 30);
    for (const round of rounds) expect(await stack.report(round)).to.have.length(1);
    const points = rounds.flat();
    const last = seriesKey(points.at(-1)!);
    await waitFor(() => manager.book.baseline(last)?.lastAt === points.at(-1)!.observedAt, { what: 'every batch applied', timeoutMs: 60_000 });
    expect(calls).to.deep.equal(rounds.map((r) => r.length));
    expect(sameBaselines(manager.book, points)).to.equal(60);
    await waitFor(() => manager.baselines().dirtySeries === 0 && manager.baselines().store === 'ok', { what: 'the baselines flushed' });
    const stored = await new BaselineStore({ redis: await redis(), prefix: `${stack.prefix}:monitoring` }).load([last]);
    expect(stored.snapshots).to.deep.equal([manager.book.snapshot(last)]);
  });

  it('still applies older MetricSnapshot records on the topic, between batches, and replays both at a restart with Redis empty', async function () {
    this.timeout(120_000);
    const server = await PrivateRedis.start();
    try {
      const instanceId = uniqueName('mm-compat');
      const manager = await stack.manager(await redis(server.url), {}, instanceId);
      const service = uniqueName('compat').toLowerCase();
      const rounds = reports(service, 12, 20);
      // Rounds 0–9 as an older service wrote them (one MetricSnapshot per sample), 10–19 as batches.
      for (const round of rounds.slice(0, 10)) await stack.snapshots(round);
      for (const round of rounds.slice(10)) await stack.report(round);
      const points = rounds.flat();
      const last = seriesKey(points.at(-1)!);
      await waitFor(() => manager.book.baseline(last)?.lastAt === points.at(-1)!.observedAt, { what: 'every point applied', timeoutMs: 60_000 });
      expect(sameBaselines(manager.book, points)).to.equal(12);

      await manager.close();
      const wiped = await redis(server.url);
      await wiped.flushall();
      const restarted = await stack.manager(await redis(server.url), {}, instanceId);
      expect(sameBaselines(restarted.book, points)).to.equal(12);
    } finally {
      await server.stop();
    }
  });

  it("splits a report larger than the bound into several records, every point of which reaches the baselines (a service's own sink)", async function () {
    this.timeout(120_000);
    const manager = await stack.manager(await redis());
    const sink = createMonitoringSink({ kafka: stack.kafka, registry: stack.registry, topicPrefix: stack.prefix, logger: stack.logger });
    try {
      const metrics = await stack.read(stack.topics.metrics);
      const service = uniqueName('wide').toLowerCase();
      const rounds = reports(service, 1_234, 3);
      for (const round of rounds) await sink.metrics(round);
      const points = rounds.flat();
      const last = seriesKey(points.at(-1)!);
      await waitFor(() => manager.book.baseline(last)?.lastAt === points.at(-1)!.observedAt, { what: 'every point applied', timeoutMs: 60_000 });
      expect(sameBaselines(manager.book, points)).to.equal(1_234);
      const records = () => metrics.filter((m) => m.key === service);
      await waitFor(() => records().length === 9, { what: 'the records read back' });
      expect(records().map((m) => [m.type, (m.value as unknown as MetricBatch).samples.length])).to.deep.equal(
        [0, 1, 2].flatMap(() => [500, 500, 234].map((n) => ['tributary.monitoring.MetricBatch', n])),
      );
    } finally {
      await sink.close();
    }
  });
  it('sends a batch with a point the book refuses whole to the DLQ, naming the sample, and applies none of its points', async function () {
    this.timeout(60_000);
    const manager = await stack.manager(await redis());
    const dlq = await stack.read(`${stack.topics.metrics}.dlq`);
    const service = uniqueName('refused').toLowerCase();
    const [round] = reports(service, 6, 1);
    const bad = round!.map((p, i) => (i === 3 ? { ...p, kind: 'counter' as const, value: -1 } : p));
    await stack.report(bad);
    const dead = await waitFor(() => dlq.find((m) => m.key === service), { what: 'the refused batch in the DLQ' });
    expect(dead.type).to.equal('tributary.monitoring.MetricBatch');
    expect((dead.value as unknown as MetricBatch).samples).to.have.length(6);
    expect(JSON.stringify(dead.headers)).to.match(/sample 3 \(tributary_test_counter_3\): a counter total cannot be negative/);
    for (const p of bad) expect(manager.book.baseline(seriesKey(p)), seriesKey(p)).to.equal(undefined);
    // The next report of the service is applied as usual.
    const [next] = reports(service, 6, 2).slice(1);
    await stack.report(next!);
    await waitFor(() => manager.book.baseline(seriesKey(next![4]!))?.lastAt === next![4]!.observedAt, { what: 'the next batch applied (series 4 is a gauge: its first point counts)' });
  });
});
