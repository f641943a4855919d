import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { BaselineBook, BaselineError, type BaselineStore, BaselineStore as Store, type MetricPoint, isRetriable } from '../src/index.js';
import { testRedis, testStore } from './support/redis.js';
import { HOUR, T0, counterSeries, gaugeSeries, histogramSeries, noisy } from './support/series.js';

/** Two services, three kinds, several label sets, and one spike still open at the end. */
function history(): MetricPoint[] {
  const points = [
    ...gaugeSeries(noisy(1500, 100, 5, 61), { service: 'checkout', labels: { queue: 'orders' } }),
    ...gaugeSeries(noisy(1500, 30, 2, 62), { service: 'checkout', labels: { queue: 'refunds' } }),
    ...counterSeries(noisy(1500, 250, 10, 63), { service: 'cpm', metric: 'http_requests_total', labels: { route: '/api/v1/pipelines', method: 'GET' }, resetAt: [700] }),
    ...histogramSeries(
      noisy(1500, 0.08, 0.004, 64).map((m, i) => (i >= 1490 ? 0.9 : m)),
      { service: 'cpm', metric: 'http_request_duration_seconds', labels: { route: '/api/v1/pipelines' } },
    ),
  ];
  return points.sort((a, b) => a.observedAt - b.observedAt);
}

describe('BaselineStore on Redis', () => {
  let redis: Redis;
  let store: BaselineStore;

  beforeEach(() => {
    redis = testRedis();
    store = testStore(redis);
  });

  afterEach(async () => {
    await store.clear();
    redis.disconnect();
  });

  it('writes documented keys, one round trip per batch, and reads back exactly what was written', async () => {
    const book = new BaselineBook({ store });
    const applied = book.apply(history());
    expect(applied.transitions.map((t) => [t.kind, t.anomaly.seriesKey])).to.deep.equal([
      ['opened', 'cpm/http_request_duration_seconds/route=%2Fapi%2Fv1%2Fpipelines'],
    ]);
    const flushed = await book.flush();
    expect(flushed).to.deep.equal({ saved: 4, resynced: false });
    expect(book.health()).to.include({ store: 'ok', dirtySeries: 0, failedFlushes: 0 });

    const prefix = store.prefix;
    expect(await redis.smembers(`${prefix}:services`)).to.have.members(['checkout', 'cpm']);
    expect(await redis.zrange(`${prefix}:series:cpm`, 0, -1)).to.have.members([
      'cpm/http_request_duration_seconds/route=%2Fapi%2Fv1%2Fpipelines',
      'cpm/http_requests_total/method=GET,route=%2Fapi%2Fv1%2Fpipelines',
    ]);
    const hash = await redis.hgetall(`${prefix}:baseline:checkout/queue_depth/queue=orders`);
    expect(Object.keys(hash).sort()).to.deep.equal(['lastAt', 'mean', 'points', 'state', 'stddev']);
    expect(hash).to.include({ points: '1500', lastAt: String(T0 + 1499 * 15_000) });
    expect(Number(hash['mean'])).to.be.closeTo(100, 2);
    expect(await redis.ttl(`${prefix}:baseline:checkout/queue_depth/queue=orders`)).to.be.above(13 * 24 * 3600);

    // Another store instance (a restarted process) reads the same.
    const other = new Store({ redis, prefix });
    const loaded = await other.loadAll();
    expect(loaded.invalid).to.deep.equal([]);
    expect(loaded.missing).to.deep.equal([]);
    expect(sortByKey(loaded.snapshots)).to.deep.equal(book.snapshots());
    const some = await other.load(['checkout/queue_depth/queue=refunds', 'nope/nothing']);
    expect(some.snapshots.map((s) => s.key)).to.deep.equal(['checkout/queue_depth/queue=refunds']);
    expect(some.missing).to.deep.equal(['nope/nothing']);
    expect(await other.listSeries('checkout')).to.have.length(2);
  });

  it('saves a batch of batchSize series per MULTI/EXEC round trip, and loads a batch per pipeline', async () => {
    const book = new BaselineBook();
    for (let s = 0; s < 7; s++) book.apply(gaugeSeries([1, 2, 3], { metric: `m${s}` }));
    const batched = testStore(redis, { batchSize: 3 });
    const calls = { multi: 0, pipeline: 0 };
    const multi = redis.multi.bind(redis);
    const pipeline = redis.pipeline.bind(redis);
    redis.multi = ((...args: Parameters<Redis['multi']>) => (calls.multi++, multi(...args))) as Redis['multi'];
    redis.pipeline = (...args: Parameters<Redis['pipeline']>) => (calls.pipeline++, pipeline(...args));
    try {
      expect(await batched.save(book.snapshots())).to.equal(7);
      expect(calls).to.deep.equal({ multi: 3, pipeline: 0 });
      const loaded = await batched.loadAll();
      expect(loaded.snapshots).to.have.length(7);
      // One for the service indexes, three for 7 series in batches of 3.
      expect(calls).to.deep.equal({ multi: 3, pipeline: 4 });
    } finally {
      await batched.clear();
    }
  });

  it('survives a restart: a new book restores every series and carries on as if never stopped', async () => {
    const points = history();
    const cut = Math.floor(points.length * 0.7);
    const uninterrupted = new BaselineBook();
    uninterrupted.apply(points);

    const before = new BaselineBook({ store });
    before.apply(points.slice(0, cut));
    await before.flush();

    const redis2 = testRedis();
    try {
      const after = new BaselineBook({ store: new Store({ redis: redis2, prefix: store.prefix }) });
      const restored = await after.restore();
      expect(restored).to.deep.equal({ series: 4, invalid: [] });
      expect(after.snapshots()).to.deep.equal(before.snapshots());
      after.apply(points.slice(cut));
      expect(after.snapshots()).to.deep.equal(uninterrupted.snapshots());
      expect(after.openAnomalies()).to.deep.equal(uninterrupted.openAnomalies());
      await after.flush();
      expect(sortByKey((await store.loadAll()).snapshots)).to.deep.equal(uninterrupted.snapshots());
    } finally {
      redis2.disconnect();
    }
  });

  it('Redis wiped: a restarted book finds nothing, rebuilds from the replayed history, and gets the same baselines', async () => {
    const points = history();
    const live = new BaselineBook({ store });
    for (let i = 0; i < points.length; i += 700) live.apply(points.slice(i, i + 700));
    await live.flush();
    const stored = sortByKey((await store.loadAll()).snapshots);

    expect(await store.clear()).to.be.above(4);
    const restarted = new BaselineBook({ store });
    expect(await restarted.restore()).to.deep.equal({ series: 0, invalid: [] });
    const rebuilt = restarted.rebuild(points);
    expect(rebuilt).to.include({ points: points.length, series: 4, rejected: 0 });
    expect(rebuilt.open.map((a) => a.id)).to.deep.equal(live.openAnomalies().map((a) => a.id));
    expect((await restarted.flush()).saved).to.equal(4);
    expect(sortByKey((await store.loadAll()).snapshots)).to.deep.equal(stored);
  });

  it('Redis wiped under a running book: the next flush notices and writes every series again', async () => {
    const points = history();
    const book = new BaselineBook({ store });
    book.apply(points.slice(0, 3000));
    await book.flush();
    book.apply(points.slice(3000, 3004));
    await store.clear();
    const flushed = await book.flush();
    expect(flushed).to.deep.equal({ saved: 4, resynced: true });
    expect(sortByKey((await store.loadAll()).snapshots)).to.deep.equal(book.snapshots());
    // And when nothing was lost, only what changed is written.
    book.apply(points.slice(3004, 3005));
    expect(await book.flush()).to.deep.equal({ saved: 1, resynced: false });
  });

  it('restores only the asked services, reports unreadable entries, and prunes expired ones from the index', async () => {
    const book = new BaselineBook({ store });
    book.apply(history());
    await book.flush();
    await redis.hset(`${store.prefix}:baseline:checkout/queue_depth/queue=refunds`, 'state', '{"version":1');
    await redis.del(`${store.prefix}:baseline:checkout/queue_depth/queue=orders`);

    const restarted = new BaselineBook({ store });
    const restored = await restarted.restore(['checkout']);
    expect(restored.series).to.equal(0);
    expect(restored.invalid.map((i) => i.seriesKey)).to.deep.equal(['checkout/queue_depth/queue=refunds']);
    expect(await store.listSeries('checkout')).to.deep.equal(['checkout/queue_depth/queue=refunds']);
    expect((await restarted.restore(['cpm'])).series).to.equal(2);
  });

  it('clear() deletes the prefix and nothing else', async () => {
    const neighbour = testStore(redis);
    try {
      const a = new BaselineBook({ store });
      const b = new BaselineBook({ store: neighbour });
      a.apply(history());
      b.apply(gaugeSeries([1, 2, 3]));
      await a.flush();
      await b.flush();
      await store.clear();
      expect(await store.listServices()).to.deep.equal([]);
      expect((await neighbour.loadAll()).snapshots).to.have.length(1);
    } finally {
      await neighbour.clear();
    }
  });

  describe('Redis unreachable', () => {
    it('fails with TRIB_BASELINE_STORE_UNAVAILABLE at once with a no-retry client; the book degrades and keeps its series dirty', async () => {
      const down = testRedis('redis://127.0.0.1:6390', { retryStrategy: () => null, lazyConnect: true });
      down.on('error', () => undefined);
      try {
        const times: number[] = [1_000, 2_000];
        const book = new BaselineBook({ store: new Store({ redis: down, prefix: 'it:unreachable' }), clock: () => times.shift() ?? 3_000 });
        book.apply(gaugeSeries([1, 2, 3]));
        const started = Date.now();
        const err = await book.flush().then(
          () => expect.fail('flush should fail'),
          (e: unknown) => e,
        );
        expect(Date.now() - started).to.be.below(3000);
        expect(err).to.be.instanceOf(BaselineError);
        expect(err).to.include({ code: 'TRIB_BASELINE_STORE_UNAVAILABLE', retriable: true });
        expect(isRetriable(err)).to.equal(true);
        expect(book.health()).to.deep.include({ store: 'degraded', dirtySeries: 1, failedFlushes: 1, degradedSince: 1_000 });
        await book.flush().catch(() => undefined);
        expect(book.health()).to.deep.include({ failedFlushes: 2, degradedSince: 1_000 });
        expect(book.health().lastError?.code).to.equal('TRIB_BASELINE_STORE_UNAVAILABLE');
        // Detection goes on in memory.
        expect(book.apply(gaugeSeries([4], { start: T0 + HOUR })).accepted).to.equal(1);
      } finally {
        down.disconnect();
      }
    });

    it('does not hang with a client that retries for ever: the store gives up after timeoutMs', async () => {
      const down = testRedis('redis://127.0.0.1:6390', { maxRetriesPerRequest: null });
      down.on('error', () => undefined);
      try {
        const unreachable = new Store({ redis: down, prefix: 'it:unreachable', timeoutMs: 300 });
        const started = Date.now();
        for (const call of [() => unreachable.loadAll(), () => unreachable.ping(), () => unreachable.clear()]) {
          const err = await call().then(
            () => expect.fail('should fail'),
            (e: unknown) => e,
          );
          expect(err).to.include({ code: 'TRIB_BASELINE_STORE_UNAVAILABLE', retriable: true });
        }
        expect(Date.now() - started).to.be.below(3000);
      } finally {
        down.disconnect();
      }
    });

    it('a key of the prefix holding something else is TRIB_BASELINE_STORE_FAILED, not retriable', async () => {
      await redis.set(store.keys.services, 'not a set');
      const err = await new BaselineBook({ store }).restore().then(
        () => expect.fail('should fail'),
        (e: unknown) => e,
      );
      expect(err).to.include({ code: 'TRIB_BASELINE_STORE_FAILED', retriable: false });
    });
  });
});

function sortByKey<T extends { key: string }>(snapshots: readonly T[]): T[] {
  return [...snapshots].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
