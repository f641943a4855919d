import { expect } from 'chai';
import {
  BaselineBook,
  BaselineError,
  type MetricPoint,
  alphaForHalfLife,
  baselineDefaults,
  emptyStats,
  pushStats,
  seriesKey,
} from '../src/index.js';
import { expectClose, plainByHand, weightedByHand } from './support/by-hand.js';
import { HOUR, SECOND, T0, counterSeries, gaugeSeries, histogramSeries, rng } from './support/series.js';

const GAUGE_KEY = 'checkout/queue_depth/queue=orders';
const uniform = (n: number, lo: number, hi: number, seed: number) => {
  const random = rng(seed);
  return Array.from({ length: n }, () => lo + (hi - lo) * random());
};

describe('rolling statistics', () => {
  it('are the plain mean and population variance while n < 1/alpha (the warm-up)', () => {
    const values = uniform(200, -5, 5, 1);
    const stats = emptyStats();
    const alpha = alphaForHalfLife(1000);
    values.forEach((v) => pushStats(stats, v, alpha));
    const expected = plainByHand(values);
    expectClose(stats.mean, expected.mean, 'mean', 1e-12);
    expectClose(stats.variance, expected.variance, 'variance', 1e-12);
  });

  it('equal the closed-form exponentially weighted mean and variance after it', () => {
    const values = uniform(5000, 100, 200, 2);
    const alpha = alphaForHalfLife(50);
    const stats = emptyStats();
    values.forEach((v) => pushStats(stats, v, alpha));
    const expected = weightedByHand(values, alpha);
    expect(expected.weights.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-12);
    expectClose(stats.mean, expected.mean, 'mean');
    expectClose(stats.variance, expected.variance, 'variance');
  });

  it('stay exact on a large offset (no catastrophic cancellation)', () => {
    const values = uniform(3000, 1e9, 1e9 + 1, 3);
    const stats = emptyStats();
    const alpha = alphaForHalfLife(100);
    values.forEach((v) => pushStats(stats, v, alpha));
    const expected = weightedByHand(values, alpha);
    expectClose(stats.variance, expected.variance, 'variance', 1e-6);
    expect(stats.variance).to.be.closeTo(1 / 12, 0.02);
  });
});

describe('BaselineBook baselines', () => {
  it('gauge: the overall and hour-of-day baselines equal an independent computation on the same values', () => {
    const values = uniform(2000, 40, 60, 4); // 15 s apart: about 8.3 hours
    const book = new BaselineBook();
    const result = book.apply(gaugeSeries(values));
    expect(result.accepted).to.equal(2000);
    expect(result.transitions).to.deep.equal([]);
    const view = book.baseline(GAUGE_KEY)!;
    const expected = weightedByHand(values, alphaForHalfLife(baselineDefaults.halfLifePoints));
    expectClose(view.mean, expected.mean, 'mean');
    expectClose(view.stdDev, Math.sqrt(expected.variance), 'stdDev');
    expect(view.points).to.equal(2000);
    expect(view.measure).to.equal('value');

    const hour3 = values.slice(3 * 240, 4 * 240);
    const expectedHour = weightedByHand(hour3, alphaForHalfLife(baselineDefaults.seasonalHalfLifePoints));
    const bucket = view.hours.find((h) => h.hour === 3)!;
    expect(bucket.points).to.equal(240);
    expectClose(bucket.mean, expectedHour.mean, 'hour 3 mean');
    expectClose(bucket.stdDev, Math.sqrt(expectedHour.variance), 'hour 3 stdDev');
    expect(bucket.days).to.equal(1);
    expect(bucket.ready, 'one day is not a season').to.equal(false);
  });

  it('counter: baselined on its rate per second, equal to an independent computation', () => {
    const rates = uniform(1500, 80, 120, 5);
    const book = new BaselineBook();
    book.apply(counterSeries(rates));
    const view = book.baseline('checkout/requests_total/queue=orders')!;
    const expected = weightedByHand(rates, alphaForHalfLife(baselineDefaults.halfLifePoints));
    expect(view.measure).to.equal('rate');
    expect(view.points).to.equal(1500);
    expectClose(view.mean, expected.mean, 'rate mean', 1e-9);
    expectClose(view.stdDev, Math.sqrt(expected.variance), 'rate stdDev', 1e-7);
  });

  it('counter: a reset (the process restarted from 0) is not a negative rate', () => {
    const rates = Array.from({ length: 200 }, () => 10);
    const book = new BaselineBook();
    const result = book.apply(counterSeries(rates, { resetAt: [50, 120] }));
    expect(result.transitions).to.deep.equal([]);
    const view = book.baseline('checkout/requests_total/queue=orders')!;
    expect(view.points).to.equal(200);
    expect(view.mean).to.be.closeTo(10, 1e-9);
    expect(view.stdDev).to.be.below(1e-6);
  });

  it('counter: rates are per instance, and pooled into the one series', () => {
    const a = counterSeries(Array.from({ length: 100 }, () => 10), { instance: 'a' });
    const b = counterSeries(Array.from({ length: 100 }, () => 30), { instance: 'b', start: T0 + 5 * SECOND });
    const book = new BaselineBook();
    book.apply([...a, ...b].sort((x, y) => x.observedAt - y.observedAt));
    const view = book.baseline('checkout/requests_total/queue=orders')!;
    expect(view.points).to.equal(200);
    expect(book.snapshot('checkout/requests_total/queue=orders')!.instances.map((i) => i.instance)).to.deep.equal(['a', 'b']);
    // Alternating 10, 30: the mean is between, nowhere near the 40/s a summed rate would be.
    expect(view.mean).to.be.within(15, 25);
  });

  it('histogram: baselined on the mean observation of each interval (Δsum / Δcount), resets handled', () => {
    const means = uniform(800, 0.04, 0.06, 6);
    const points = histogramSeries(means);
    // A restart at sample 400: sum and count start over from that interval's observations.
    const restarted = points.map((p, i) => (i >= 400 ? { ...p, value: p.value - points[399]!.value, count: p.count! - points[399]!.count! } : p));
    const book = new BaselineBook();
    book.apply(restarted);
    const view = book.baseline('checkout/http_request_duration_seconds/queue=orders')!;
    expect(view.measure).to.equal('mean');
    // Interval 400 (samples 399 → 400) is seen as a reset: its mean comes from sample 400 alone.
    const expectedValues = means.map((m, i) => (i === 399 ? (restarted[400]!.value / restarted[400]!.count!) : m));
    const expected = weightedByHand(expectedValues, alphaForHalfLife(baselineDefaults.halfLifePoints));
    expectClose(view.mean, expected.mean, 'mean', 1e-9);
    expectClose(view.stdDev, Math.sqrt(expected.variance), 'stdDev', 1e-6);
  });

  it('histogram: an interval with no new observation gives nothing', () => {
    const points = histogramSeries([0.1, 0.2]);
    const idle = { ...points[2]!, observedAt: points[2]!.observedAt + 15 * SECOND };
    const book = new BaselineBook();
    book.apply([...points, idle]);
    expect(book.baseline('checkout/http_request_duration_seconds/queue=orders')!.points).to.equal(2);
  });

  it('ignores duplicate and older samples, so a replayed overlap counts nothing twice', () => {
    const points = counterSeries(uniform(300, 5, 15, 7));
    const once = new BaselineBook();
    once.apply(points);
    const twice = new BaselineBook();
    twice.apply(points.slice(0, 200));
    expect(twice.apply(points.slice(100))).to.include({ accepted: 101, ignored: 100 });
    expect(twice.apply(points.slice(250, 260))).to.include({ accepted: 0, ignored: 10 });
    expect(twice.snapshots()).to.deep.equal(once.snapshots());
  });

  it('forgets instances idle for longer than instanceIdleMs', () => {
    const old = gaugeSeries([1, 2, 3], { instance: 'old' });
    const fresh = gaugeSeries([4, 5], { instance: 'new', start: T0 + 2 * HOUR });
    const book = new BaselineBook();
    book.apply([...old, ...fresh]);
    expect(book.snapshot(GAUGE_KEY)!.instances.map((i) => i.instance)).to.deep.equal(['new']);
  });

  it('keeps series apart whatever their label values contain, and one series whatever the label order', () => {
    const book = new BaselineBook();
    book.apply(gaugeSeries([1], { labels: { a: 'x\u0000b\u0001y' } }));
    book.apply(gaugeSeries([2], { labels: { a: 'x', b: 'y' } }));
    book.apply(gaugeSeries([3], { labels: { b: 'y', a: 'x' }, start: T0 + HOUR }));
    expect(book.seriesKeys()).to.deep.equal(['checkout/queue_depth/a=x%00b%01y', 'checkout/queue_depth/a=x,b=y']);
    expect(book.baseline('checkout/queue_depth/a=x,b=y')!.points).to.equal(2);
  });

  it('keeps series apart whose parts would run together the same (service, metric and labels told apart)', () => {
    const book = new BaselineBook();
    book.apply(gaugeSeries([1], { service: 'ab', metric: 'c', labels: {} }));
    book.apply(gaugeSeries([2], { service: 'a', metric: 'bc', labels: {} }));
    book.apply(gaugeSeries([3], { service: 'a', metric: '2:bc', labels: {} }));
    book.apply(gaugeSeries([4], { metric: 'm', labels: { a: '1:b1:c' } }));
    book.apply(gaugeSeries([5], { metric: 'm', labels: { a: '1', b: 'c' } }));
    book.apply(gaugeSeries([6], { metric: 'm', labels: { 'a1:b': 'c' } }));
    expect(book.seriesKeys()).to.have.length(6);
    for (const [i, key] of ['ab/c', 'a/bc', 'a/2%3Abc', 'checkout/m/a=1%3Ab1%3Ac', 'checkout/m/a=1,b=c', 'checkout/m/a1%3Ab=c'].entries()) {
      expect(book.baseline(key)?.mean, key).to.equal(i + 1);
    }
  });

  it('without a store: health says so, and flush/restore are refused', async () => {
    const book = new BaselineBook();
    expect(book.health()).to.deep.equal({ store: 'none', series: 0, dirtySeries: 0, failedFlushes: 0 });
    for (const call of [() => book.flush(), () => book.restore()]) {
      await call().then(
        () => expect.fail('should fail'),
        (err: unknown) => expect(err).to.be.instanceOf(BaselineError).with.property('code', 'TRIB_BASELINE_OPTIONS_INVALID'),
      );
    }
  });

  it('starts a series over when its kind changes', () => {
    const book = new BaselineBook();
    book.apply(gaugeSeries([1, 2, 3]));
    book.apply(counterSeries([5, 5], { metric: 'queue_depth', start: T0 + HOUR }));
    const view = book.baseline(GAUGE_KEY)!;
    expect(view.kind).to.equal('counter');
    expect(view.points).to.equal(2);
  });

  it('rejects unusable points without touching any series', () => {
    const good = gaugeSeries([1])[0]!;
    const bad: MetricPoint[] = [
      { ...good, value: Number.NaN },
      { ...good, kind: 'counter', value: -1 },
      { ...good, kind: 'histogram', count: null },
      { ...good, service: '' },
      { ...good, observedAt: Number.POSITIVE_INFINITY },
      { ...good, kind: 'summary' as MetricPoint['kind'] },
    ];
    const book = new BaselineBook();
    const result = book.apply(bad);
    expect(result.accepted).to.equal(0);
    expect(result.rejected.map((r) => r.reason)).to.deep.equal([
      'value must be a finite number',
      'a counter total cannot be negative',
      'a histogram needs a non-negative integer count',
      'service must be a non-empty string',
      'observedAt must be a finite epoch-ms time',
      'unknown kind summary',
    ]);
    expect(book.size).to.equal(0);
  });

  it('snapshots are plain JSON: restored into another book, the series carries on exactly', () => {
    const points = [...gaugeSeries(uniform(1200, 10, 20, 8)), ...counterSeries(uniform(1200, 1, 3, 9))].sort((a, b) => a.observedAt - b.observedAt);
    const whole = new BaselineBook();
    whole.apply(points);

    const first = new BaselineBook();
    first.apply(points.slice(0, 1000));
    const stored = JSON.parse(JSON.stringify(first.snapshots())) as unknown[];
    const second = new BaselineBook();
    second.restoreSnapshots(stored);
    expect(second.snapshots()).to.deep.equal(first.snapshots());
    second.apply(points.slice(1000));
    expect(second.snapshots()).to.deep.equal(whole.snapshots());
  });

  it('refuses a snapshot of another shape or whose key does not match its identity', () => {
    const book = new BaselineBook();
    book.apply(gaugeSeries([1, 2, 3]));
    const good = JSON.parse(JSON.stringify(book.snapshot(GAUGE_KEY))) as Record<string, unknown>;
    const cases = [{ ...good, version: 2 }, { ...good, hours: [] }, { ...good, key: seriesKey({ service: 'x', metric: 'y', labels: {} }) }];
    for (const bad of cases) {
      expect(() => new BaselineBook().restoreSnapshots([bad]))
        .to.throw(BaselineError)
        .with.property('code', 'TRIB_BASELINE_SNAPSHOT_INVALID');
    }
  });

  it('validates options once, with one issue per bad option', () => {
    try {
      new BaselineBook({ baseline: { halfLifePoints: 0, seasonalMinDays: 1.5 }, anomaly: { deviationStdDevs: -1 } });
      expect.fail('should throw');
    } catch (err) {
      expect(err).to.be.instanceOf(BaselineError);
      const e = err as BaselineError;
      expect(e.code).to.equal('TRIB_BASELINE_OPTIONS_INVALID');
      expect(e.retriable).to.equal(false);
      expect(e.issues.map((i) => i.path)).to.deep.equal(['halfLifePoints', 'seasonalMinDays']);
    }
    expect(() => new BaselineBook({ anomaly: { cusumSlack: 4 } })).to.throw(/cusumSlack/);
    const options = { baseline: { halfLifePoints: 10 } };
    new BaselineBook(options);
    expect(options).to.deep.equal({ baseline: { halfLifePoints: 10 } });
  });
});
