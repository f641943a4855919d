import { expect } from 'chai';
import { type AnomalyTransition, BaselineBook, type MetricPoint, anomalyDefaults } from '../src/index.js';
import { DAY, HOUR, MINUTE, SECOND, T0, counterSeries, gaugeSeries, histogramSeries, noisy } from './support/series.js';

const LATENCY_KEY = 'checkout/http_request_duration_seconds/queue=orders';
const GAUGE_KEY = 'checkout/queue_depth/queue=orders';
const INTERVAL = 15 * SECOND;

const summary = (transitions: readonly AnomalyTransition[]) =>
  transitions.map((t) => [t.kind, t.anomaly.kind, t.anomaly.resolution ?? null, (t.anomaly.openedAt - T0) / INTERVAL]);

/** Applies points in batches of `size`, as a consumer would, collecting every transition. */
function applyInBatches(book: BaselineBook, points: readonly MetricPoint[], size = 500): AnomalyTransition[] {
  const transitions: AnomalyTransition[] = [];
  for (let i = 0; i < points.length; i += size) transitions.push(...book.apply(points.slice(i, i + size)).transitions);
  return transitions;
}

describe('anomaly detection', () => {
  it('detects an injected latency spike within n intervals, with the evidence, and resolves it after recovery', () => {
    // Mean latency 50 ms ± 2 ms per 15 s interval; intervals 600–607 run at 400 ms.
    const means = noisy(1000, 0.05, 0.002, 11).map((m, i) => (i >= 600 && i < 608 ? 0.4 : m));
    const book = new BaselineBook();
    const before = new BaselineBook();
    before.apply(histogramSeries(means.slice(0, 600)));
    const transitions = applyInBatches(book, histogramSeries(means));

    // Interval i is observed at sample i + 1, T0 + (i + 1) · 15 s.
    expect(summary(transitions)).to.deep.equal([
      ['opened', 'deviation', null, 601],
      ['resolved', 'deviation', 'recovered', 601],
    ]);
    const opened = transitions[0]!.anomaly;
    const n = anomalyDefaults.deviationPoints;
    expect((opened.detectedAt - opened.openedAt) / INTERVAL, 'detected at the n-th spiking interval').to.equal(n - 1);
    expect(opened.id).to.equal(`${LATENCY_KEY}:deviation:${T0 + 601 * INTERVAL}`);
    expect(opened.direction).to.equal('up');
    expect(opened.measure).to.equal('mean');
    expect(opened.evidence.points.map((p) => p.value)).to.deep.equal([0.4, 0.4, 0.4].map((v) => opened.evidence.points[0]!.value + v - 0.4));
    expect(opened.evidence.points).to.have.length(n);
    expect(opened.evidence.windowStart).to.equal(T0 + 600 * INTERVAL);
    expect(opened.evidence.windowEnd).to.equal(opened.detectedAt);
    expect(opened.evidence.baseline.source).to.equal('overall');
    expect(opened.evidence.baseline.mean).to.be.closeTo(0.05, 0.001);
    expect(opened.evidence.zScore).to.be.above(100);
    expect(opened.summary).to.match(/^checkout http_request_duration_seconds\{queue="orders"\}: mean 0\.4 is \d+(\.\d+)?σ above its baseline 0\.0\d+ ± 0\.00\d+ for 3 intervals in a row$/);

    const resolved = transitions[1]!.anomaly;
    expect(resolved.status).to.equal('resolved');
    expect(resolved.badPoints).to.equal(8);
    // About recoveryPoints intervals back at the baseline (the recovery CUSUM decides exactly).
    expect((resolved.resolvedAt! - T0) / INTERVAL - 608).to.be.within(1, anomalyDefaults.recoveryPoints + 5);

    // The spike never entered the baseline: right after it, the baseline is the one from before.
    const after = new BaselineBook();
    after.apply(histogramSeries(means.slice(0, 611)));
    const pre = before.baseline(LATENCY_KEY)!;
    const post = after.baseline(LATENCY_KEY)!;
    expect(post.mean).to.be.closeTo(pre.mean, 0.0005);
    expect(post.stdDev).to.be.below(pre.stdDev * 1.2);
  });

  it('raises no anomaly on 10,000 points of steady noisy gauge, counter and histogram series', () => {
    const gauge = gaugeSeries(noisy(10_000, 500, 25, 21));
    const counter = counterSeries(noisy(10_000, 200, 15, 22).map((r) => Math.max(0, r)));
    const latency = histogramSeries(noisy(10_000, 0.12, 0.01, 23));
    const points = [...gauge, ...counter, ...latency].sort((a, b) => a.observedAt - b.observedAt);
    const book = new BaselineBook();
    const transitions = applyInBatches(book, points, 1000);
    expect(summary(transitions)).to.deep.equal([]);
    expect(book.openAnomalies()).to.deep.equal([]);
    expect(book.size).to.equal(3);
    // 10,000 points spread over 41.7 hours: the hour buckets got ready on the second day and were used.
    expect(book.baseline(GAUGE_KEY)!.hours.filter((h) => h.ready).length).to.be.above(10);
  });

  it('finds a sustained level shift smaller than k σ with the CUSUM, as its own kind', () => {
    // Throughput 100 ± 1 drops to 98.5 (1.5 σ: hardly ever 3 σ away) at interval 1500 and stays there.
    const values = noisy(2000, 100, 1, 31).map((v, i) => (i >= 1500 ? v - 1.5 : v));
    const book = new BaselineBook({ baseline: { seasonality: false } });
    const transitions = applyInBatches(book, gaugeSeries(values));
    expect(transitions.map((t) => [t.kind, t.anomaly.kind])).to.deep.equal([
      ['opened', 'level_shift'],
      ['resolved', 'level_shift'],
    ]);
    const shift = transitions[0]!.anomaly;
    expect(shift.direction).to.equal('down');
    const detectedAfter = (shift.detectedAt - T0) / INTERVAL - 1500;
    expect(detectedAfter, 'found within 40 intervals of the shift').to.be.within(0, 40);
    const changeAt = (shift.openedAt - T0) / INTERVAL;
    expect(changeAt, 'change point estimate').to.be.within(1490, 1510);
    expect(shift.evidence.cusum!.estimatedMean).to.be.closeTo(98.5, 0.7);
    expect(shift.summary).to.match(/shifted down from its baseline (99|100)\.\d+ ± 1\.\d+ to about 98\.\d+ since 2024-01-15T06:1\d/);

    // Permanent: after adaptAfterPoints it becomes the baseline, and nothing more is raised.
    const adapted = transitions[1]!.anomaly;
    expect(adapted.resolution).to.equal('adapted');
    expect((adapted.resolvedAt! - shift.detectedAt) / INTERVAL).to.equal(anomalyDefaults.adaptAfterPoints);
    expect(book.baseline(GAUGE_KEY)!.mean).to.be.closeTo(98.5, 0.3);
  });

  it('a 2.5σ permanent shift, which keeps dipping back under k σ, is one anomaly, not a flapping series', () => {
    const values = noisy(3000, 100, 1, 37).map((v, i) => (i >= 1500 ? v - 2.5 : v));
    const book = new BaselineBook({ baseline: { seasonality: false } });
    const transitions = applyInBatches(book, gaugeSeries(values));
    expect(transitions.map((t) => [t.kind, t.anomaly.resolution ?? null])).to.deep.equal([
      ['opened', null],
      ['resolved', 'adapted'],
    ]);
    expect((transitions[0]!.anomaly.openedAt - T0) / INTERVAL).to.be.within(1500, 1530);
  });

  it('a level shift that goes back resolves as recovered, and the shifted values stay out of the baseline', () => {
    const values = noisy(1600, 100, 1, 32).map((v, i) => (i >= 1000 && i < 1080 ? v + 1.5 : v));
    const book = new BaselineBook({ baseline: { seasonality: false } });
    const transitions = applyInBatches(book, gaugeSeries(values));
    expect(transitions.map((t) => [t.kind, t.anomaly.kind, t.anomaly.resolution ?? null])).to.deep.equal([
      ['opened', 'level_shift', null],
      ['resolved', 'level_shift', 'recovered'],
    ]);
    expect((transitions[1]!.anomaly.resolvedAt! - T0) / INTERVAL).to.be.within(1080, 1100);
    expect(book.baseline(GAUGE_KEY)!.mean).to.be.closeTo(100, 0.15);
  });

  it('a large permanent change is a deviation first, then adapted to', () => {
    const values = noisy(1000, 100, 1, 33).map((v, i) => (i >= 500 ? v * 2 : v));
    const book = new BaselineBook({ baseline: { seasonality: false } });
    const transitions = applyInBatches(book, gaugeSeries(values));
    expect(transitions.map((t) => [t.kind, t.anomaly.kind, t.anomaly.resolution ?? null])).to.deep.equal([
      ['opened', 'deviation', null],
      ['resolved', 'deviation', 'adapted'],
    ]);
    expect(book.baseline(GAUGE_KEY)!.mean).to.be.closeTo(200, 2);
  });

  it('a blip shorter than n is ordinary variation: no anomaly, and it is learned', () => {
    const values = noisy(400, 100, 1, 34).map((v, i) => (i === 200 || i === 201 ? 120 : v));
    const book = new BaselineBook({ baseline: { seasonality: false } });
    expect(applyInBatches(book, gaugeSeries(values))).to.deep.equal([]);
    expect(book.baseline(GAUGE_KEY)!.points).to.equal(400);
  });

  it('judges only the configured direction', () => {
    const values = noisy(600, 100, 1, 35).map((v, i) => (i >= 400 && i < 410 ? 50 : v));
    const up = new BaselineBook({ anomaly: { direction: 'up' } });
    expect(applyInBatches(up, gaugeSeries(values))).to.deep.equal([]);
    const down = new BaselineBook({ anomaly: { direction: 'down' } });
    expect(summary(applyInBatches(down, gaugeSeries(values))).map((s) => s.slice(0, 2))).to.deep.equal([
      ['opened', 'deviation'],
      ['resolved', 'deviation'],
    ]);
  });

  it('a counter whose rate collapses opens a deviation on the rate', () => {
    const rates = noisy(800, 200, 10, 36).map((r, i) => (i >= 700 ? 5 : r));
    const book = new BaselineBook();
    const transitions = applyInBatches(book, counterSeries(rates));
    expect(transitions.map((t) => [t.kind, t.anomaly.kind, t.anomaly.direction, t.anomaly.measure])).to.deep.equal([
      ['opened', 'deviation', 'down', 'rate'],
    ]);
  });

  describe('seasonality', () => {
    // A daily load: 1,000/s from 09:00 to 17:00 UTC, 100/s otherwise, ±2% noise; one sample a minute.
    const daily = (days: number) => {
      const noise = noisy(days * 1440, 0, 1, 41);
      return gaugeSeries(
        noise.map((e, i) => {
          const hour = Math.floor((i % 1440) / 60);
          const level = hour >= 9 && hour < 17 ? 1000 : 100;
          return level * (1 + 0.02 * e);
        }),
        { intervalMs: MINUTE },
      );
    };

    it('is used only once an hour has enough history, and then the daily rise is no anomaly', () => {
      const book = new BaselineBook();
      const transitions = applyInBatches(book, daily(4));
      // The first day's rise and fall are anomalies against the overall baseline (they are adapted to);
      // from the second day on, the hours of the day know better.
      expect(transitions.length).to.be.above(0);
      for (const t of transitions) {
        expect(t.anomaly.openedAt - T0, `${t.kind} ${t.anomaly.kind} at ${new Date(t.anomaly.openedAt).toISOString()}`).to.be.below(DAY + HOUR);
        expect(t.anomaly.evidence.baseline.source).to.equal('overall');
      }
      const hours = book.baseline(GAUGE_KEY)!.hours;
      expect(hours).to.have.length(24);
      expect(hours.every((h) => h.ready && h.days === 4)).to.equal(true);
      expect(hours.find((h) => h.hour === 12)!.mean).to.be.closeTo(1000, 10);
      expect(hours.find((h) => h.hour === 3)!.mean).to.be.closeTo(100, 1);
    });

    it('without seasonality the same series alarms every day', () => {
      const book = new BaselineBook({ baseline: { seasonality: false } });
      const transitions = applyInBatches(book, daily(4));
      const days = new Set(transitions.filter((t) => t.kind === 'opened').map((t) => Math.floor((t.anomaly.openedAt - T0) / DAY)));
      expect([...days]).to.deep.equal([0, 1, 2, 3]);
    });

    it('judges against the hour of the day once ready: a spike at noon on day 4 is found against the noon baseline', () => {
      const points = daily(4).map((p) => {
        const sinceNoon = p.observedAt - (T0 + 3 * DAY + 12 * HOUR);
        return sinceNoon >= 0 && sinceNoon < 5 * MINUTE ? { ...p, value: 1500 } : p;
      });
      const book = new BaselineBook();
      const transitions = applyInBatches(book, points).filter((t) => t.anomaly.openedAt > T0 + DAY + HOUR);
      expect(transitions.map((t) => [t.kind, t.anomaly.kind])).to.deep.equal([
        ['opened', 'deviation'],
        ['resolved', 'deviation'],
      ]);
      const baseline = transitions[0]!.anomaly.evidence.baseline;
      expect(baseline.source).to.equal('hour');
      expect(baseline.hour).to.equal(12);
      expect(baseline.mean).to.be.closeTo(1000, 10);
    });

    it('an hour seen on one day only is not ready, however many points it has', () => {
      const book = new BaselineBook({ baseline: { seasonalMinPoints: 10 } });
      book.apply(daily(1));
      expect(book.baseline(GAUGE_KEY)!.hours.every((h) => !h.ready && h.points === 60)).to.equal(true);
    });
  });

  it('rebuild by replay gives the same baselines, open anomalies and anomaly ids as live batches', () => {
    const values = noisy(3000, 100, 1, 51).map((v, i) => (i >= 2900 ? v + 20 : v));
    const points = [...gaugeSeries(values), ...counterSeries(noisy(3000, 50, 3, 52))].sort((a, b) => a.observedAt - b.observedAt);
    const live = new BaselineBook();
    const sizes = [1, 7, 500, 33, 1000];
    let transitions: AnomalyTransition[] = [];
    for (let i = 0, b = 0; i < points.length; b++) {
      const size = sizes[b % sizes.length]!;
      transitions = transitions.concat(live.apply(points.slice(i, i + size)).transitions);
      i += size;
    }
    const replayed = new BaselineBook();
    replayed.apply(gaugeSeries([1, 2, 3], { service: 'stale' }));
    const result = replayed.rebuild(points);
    expect(result.points).to.equal(points.length);
    expect(result.series).to.equal(2);
    expect(replayed.snapshots()).to.deep.equal(live.snapshots());
    expect(result.open).to.deep.equal(live.openAnomalies());
    expect(result.open.map((a) => a.id)).to.deep.equal(transitions.filter((t) => t.kind === 'opened').map((t) => t.anomaly.id));
  });
});
