import { expect } from 'chai';
import {
  type EvaluatedRecord,
  LAG_BUCKET_COUNT,
  LAG_BUCKET_UPPER_BOUNDS_MS,
  QualityDeltaAccumulator,
  type QualityMetricsError,
  type QualityWindowDelta,
  type QualityWindowMetrics,
  lagBucketIndex,
  mergeWindowDeltas,
  parseWindowDelta,
  windowMetrics,
} from '../src/index.js';
import { type HandCount, countByHand, quantile } from './support/by-hand.js';
import { FRESHNESS, MINUTE, ORDERS, SECOND, T0, generateOrders, rng, shuffle, transactionDeltas } from './support/fixtures.js';

function attempt(fn: () => unknown): QualityMetricsError {
  try {
    fn();
  } catch (e) {
    return e as QualityMetricsError;
  }
  throw new Error('expected a QualityMetricsError');
}

/** One accumulator over every record: the reference a split must add up to. */
function singleDeltas(arrivals: readonly EvaluatedRecord[], options: object = {}): QualityWindowDelta[] {
  const accumulator = new QualityDeltaAccumulator({ ...ORDERS, ...options });
  for (const a of arrivals) accumulator.add(a);
  return accumulator.drain();
}

/** Deltas grouped by window, each group shuffled and folded with mergeWindowDeltas. */
function mergeShuffled(deltas: readonly QualityWindowDelta[], seed: number, limits?: object): QualityWindowDelta[] {
  const random = rng(seed);
  const groups = new Map<number, QualityWindowDelta[]>();
  for (const d of deltas) groups.set(d.windowStart, [...(groups.get(d.windowStart) ?? []), d]);
  return [...groups.keys()]
    .sort((a, b) => a - b)
    .map((start) => shuffle(groups.get(start) as QualityWindowDelta[], random).reduce((a, b) => mergeWindowDeltas(a, b, limits)));
}

/** Merges in a random binary tree: another grouping than a left fold. */
function mergeTree(deltas: readonly QualityWindowDelta[], random: () => number): QualityWindowDelta {
  if (deltas.length === 1) return deltas[0] as QualityWindowDelta;
  const cut = 1 + Math.floor(random() * (deltas.length - 1));
  return mergeWindowDeltas(mergeTree(deltas.slice(0, cut), random), mergeTree(deltas.slice(cut), random));
}

function expectMatchesHandCount(w: QualityWindowMetrics, e: HandCount): void {
  expect(w.windowStart).to.equal(e.start);
  expect(w.counts).to.deep.equal({ records: e.records, passed: e.passed, warned: e.warned, quarantined: e.quarantined, late: 0, future: 0 });
  expect(w.validity).to.equal((e.records - e.quarantined) / e.records);
  expect(Object.fromEntries(w.fields.map((f) => [f.field, { nonNull: f.nonNull, failed: f.failed, warned: f.warned }]))).to.deep.equal(e.fields);
  for (const f of w.fields) {
    expect(f.completeness, f.field).to.equal((e.fields[f.field]?.nonNull as number) / e.records);
    expect(f.validity, f.field).to.equal((e.records - (e.fields[f.field]?.failed as number)) / e.records);
  }
  expect(w.fieldsTruncated).to.equal(false);
  const rules = Object.fromEntries(
    w.rules.map((r) => [
      r.ruleId,
      { ruleType: r.ruleType, severity: r.severity, field: r.field ?? null, failures: r.failures, records: r.records, samples: r.samples.map((s) => s.recordId) },
    ]),
  );
  expect(rules).to.deep.equal(e.rules);
  for (const r of w.rules) {
    expect(r.failureRate).to.equal(r.records / e.records);
    expect(r.samples.every((s) => s.ruleId === r.ruleId)).to.equal(true);
  }
  expect(w.uniqueness).to.deep.equal({
    keyed: e.keyed,
    duplicates: e.duplicates,
    distinct: e.keyed - e.duplicates,
    ratio: (e.keyed - e.duplicates) / e.keyed,
    approximate: false,
  });
  const f = w.freshness;
  expect(f).to.deep.include({ field: FRESHNESS.field, slaMs: FRESHNESS.slaMs, measured: e.lags.length, withinSla: e.withinSla });
  expect(f?.ratio).to.equal(e.withinSla / e.lags.length);
  expect(f?.maxLagMs).to.equal(e.lags[e.lags.length - 1]);
  expect(f?.meanLagMs).to.be.closeTo(e.lags.reduce((s, l) => s + l, 0) / e.lags.length, 1e-9);
  expectQuantile(f?.p50LagMs as number, quantile(e.lags, 0.5));
  expectQuantile(f?.p95LagMs as number, quantile(e.lags, 0.95));
  expect(w.score).to.be.closeTo(e.score, 0.006);
}

/** The documented bucket error: never below the true value, exact under 20 ms, else less than 10% above. */
function expectQuantile(estimate: number, truth: number): void {
  expect(estimate).to.be.at.least(truth);
  if (truth < 20) expect(estimate).to.equal(truth);
  else expect(estimate).to.be.below(truth * 1.1);
}

describe('window deltas', () => {
  const arrivals = generateOrders({ seed: 7, count: 3000, minutes: 6 });
  const expected = countByHand(arrivals);

  it('split over partitions and transactions, merged in any order, give the metrics counted by hand', () => {
    const stamped = transactionDeltas(arrivals, { seed: 1 });
    expect(stamped.length).to.be.greaterThan(100);
    const merged = mergeShuffled(
      stamped.map((s) => s.delta),
      2,
    );
    expect(merged).to.deep.equal(singleDeltas(arrivals)); // the same delta whatever the split
    const windows = merged.map((d) => windowMetrics(d, { closedBy: 'watermark' }));
    expect(windows.map((w) => w.windowStart)).to.deep.equal(expected.map((e) => e.start));
    windows.forEach((w, i) => expectMatchesHandCount(w, expected[i] as HandCount));
    expect(windows.reduce((n, w) => n + w.counts.records, 0)).to.equal(3000);
  });

  it('merge is commutative and associative: random splits, orders and groupings agree', () => {
    const reference = singleDeltas(arrivals);
    for (let seed = 10; seed < 22; seed++) {
      const random = rng(seed);
      const stamped = transactionDeltas(arrivals, { seed, partitions: 1 + (seed % 4), maxBatch: 1 + (seed % 7) * 20 });
      const byWindow = new Map<number, QualityWindowDelta[]>();
      for (const { delta } of stamped) byWindow.set(delta.windowStart, [...(byWindow.get(delta.windowStart) ?? []), delta]);
      for (const ref of reference) {
        const parts = byWindow.get(ref.windowStart) as QualityWindowDelta[];
        expect(mergeTree(shuffle(parts, random), random), `seed ${seed}`).to.deep.equal(ref);
        const [a, b] = shuffle(parts, random) as [QualityWindowDelta, QualityWindowDelta];
        expect(mergeWindowDeltas(a, b)).to.deep.equal(mergeWindowDeltas(b, a));
      }
    }
  });

  it('keeps the same fields and samples past the limits whatever the split, with exact counts', () => {
    const random = rng(3);
    // Records with a few of 40 dynamic field names each, and failures naming some of them.
    const wide: EvaluatedRecord[] = Array.from({ length: 600 }, (_, i) => {
      const record: Record<string, unknown> = { id: `w${i}` };
      for (let k = 0; k < 4; k++) record[`f${Math.floor(random() * 40)}`] = random() < 0.2 ? null : k;
      const failing = Object.keys(record).filter((name) => name !== 'id' && random() < 0.1);
      return {
        record,
        recordId: `w${String(Math.floor(random() * 1e6)).padStart(6, '0')}`,
        now: T0 + i * 50,
        failures: failing.map((field) => ({ ruleId: `rule-${field}`, ruleType: 'range', severity: 'error' as const, field })),
        quarantined: failing.length > 0,
      };
    });
    const limits = { maxFields: 5, maxSamplesPerRule: 2, trackFields: ['f39'] };
    const reference = singleDeltas(wide, limits);
    const merged = mergeShuffled(
      transactionDeltas(wide, { seed: 4, maxBatch: 15, accumulator: limits }).map((s) => s.delta),
      5,
      limits,
    );
    expect(merged).to.deep.equal(reference);
    const hand = countByHand(wide, 2);
    for (const [i, delta] of merged.entries()) {
      const e = hand[i] as HandCount;
      const untracked = Object.keys(e.fields).filter((name) => name !== 'f39').sort();
      expect(delta.fields.map((f) => f.field)).to.deep.equal([...untracked.slice(0, 6), 'f39'].sort());
      for (const f of delta.fields) expect({ nonNull: f.nonNull, failed: f.failed, warned: f.warned }, f.field).to.deep.equal(e.fields[f.field]);
      for (const r of delta.rules) expect(r.samples).to.deep.equal(e.rules[r.ruleId]?.samples);
      const w = windowMetrics(delta, limits);
      expect(w.fieldsTruncated).to.equal(true);
      expect(w.fields.map((f) => f.field)).to.deep.equal([...untracked.slice(0, 5), 'f39'].sort());
    }
  });

  it('defines one lag bucket layout, integer only, at most 10% wide', () => {
    const bounds = LAG_BUCKET_UPPER_BOUNDS_MS;
    expect(bounds.length).to.equal(220);
    expect(LAG_BUCKET_COUNT).to.equal(221);
    expect(bounds.slice(0, 22)).to.deep.equal([...Array.from({ length: 21 }, (_, i) => i), 22]);
    expect(bounds[219]).to.equal(2_772_808_780);
    for (let i = 1; i < bounds.length; i++) {
      const [low, high] = [bounds[i - 1] as number, bounds[i] as number];
      expect(Number.isInteger(high) && high > low && (high - low <= 1 || high <= low * 1.1)).to.equal(true);
    }
    expect([0, 1, 20, 21, 22, 23, 5000, 2_772_808_780, 2_772_808_781].map(lagBucketIndex)).to.deep.equal([0, 1, 20, 21, 21, 22, 81, 219, 220]);
  });

  it('estimates freshness quantiles within the bucket error, and skips records without an event time', () => {
    const lagged = generateOrders({ seed: 11, count: 4000, minutes: 1, maxLagMs: 2 * 3_600_000, nullCreatedAtRate: 0.2 });
    const [delta] = singleDeltas(lagged);
    const w = windowMetrics(delta as QualityWindowDelta);
    const lags = lagged
      .filter((a) => a.record['createdAt'] !== null)
      .map((a) => a.now - (a.record['createdAt'] as number))
      .sort((a, b) => a - b);
    expect(w.freshness?.measured).to.equal(lags.length).and.to.be.below(4000);
    for (const q of [0.5, 0.95]) expectQuantile(q === 0.5 ? (w.freshness?.p50LagMs as number) : (w.freshness?.p95LagMs as number), quantile(lags, q));
    // A lag past the last bound lands in the overflow bucket, and quantiles there report the max.
    const old = singleDeltas([{ record: { createdAt: T0 - 40 * 86_400_000 }, recordId: 'x', now: T0, failures: [], quarantined: false }]);
    expect(old[0]?.freshness?.lagBuckets).to.have.length(LAG_BUCKET_COUNT);
    expect(windowMetrics(old[0] as QualityWindowDelta).freshness).to.deep.include({ p50LagMs: 40 * 86_400_000, maxLagMs: 40 * 86_400_000 });
  });

  it('counts uniqueness from the unique rules: keyed when a key is present, null without a unique rule', () => {
    const rec = (record: Record<string, unknown>, duplicate = false): EvaluatedRecord => ({
      record,
      recordId: JSON.stringify(record),
      now: T0 + SECOND,
      failures: duplicate ? [{ ruleId: 'pair-unique', ruleType: 'unique', severity: 'warn', field: 'a,b' }] : [],
      quarantined: false,
    });
    const records = [rec({ a: 1, b: null }), rec({ a: null, b: null }), rec({ b: 2 }), rec({ a: 1, b: null }, true), rec({ c: 1 })];
    const [delta] = singleDeltas(records, { uniqueRules: [{ ruleId: 'pair-unique', fields: ['a', 'b'] }] });
    expect(delta?.uniqueness).to.deep.equal({ keyed: 3, duplicates: 1 });
    // The failure on the key `a,b` counts on both of its fields.
    expect(delta?.fields.filter((f) => f.warned > 0).map((f) => f.field)).to.deep.equal(['a', 'b']);
    const [plain] = singleDeltas(records, { uniqueRules: [], freshness: undefined });
    expect(plain).to.deep.include({ uniqueness: null, freshness: null });
    expect(windowMetrics(plain as QualityWindowDelta)).to.deep.include({ uniqueness: null, freshness: null });
  });

  it('drains the windows touched since the last drain, and starts afresh', () => {
    const accumulator = new QualityDeltaAccumulator(ORDERS);
    const [a, b, c] = generateOrders({ seed: 1, count: 3, minutes: 3 }) as [EvaluatedRecord, EvaluatedRecord, EvaluatedRecord];
    accumulator.add(c);
    accumulator.add(a);
    expect(accumulator.windowCount).to.equal(2);
    expect(accumulator.drain().map((d) => [d.windowStart - T0, d.windowEnd - T0, d.records])).to.deep.equal([
      [0, MINUTE, 1],
      [2 * MINUTE, 3 * MINUTE, 1],
    ]);
    expect(accumulator.drain()).to.deep.equal([]);
    accumulator.add(b);
    expect(accumulator.drain().map((d) => d.windowStart - T0)).to.deep.equal([MINUTE]);
  });

  it('writes plain JSON that parseWindowDelta reads back, dropping what the Avro record adds', () => {
    const [delta] = singleDeltas(arrivals.slice(0, 200));
    const json = JSON.parse(JSON.stringify(delta)) as QualityWindowDelta;
    const wire = { ...json, runId: null, sourcePartition: 2, observedAt: T0 };
    expect(parseWindowDelta(wire)).to.deep.equal(delta);
    const freshness = json.freshness as NonNullable<QualityWindowDelta['freshness']>;
    const shuffled = { ...wire, fields: [...json.fields].reverse(), freshness: { ...freshness, lagBuckets: [...freshness.lagBuckets, 0, 0] } };
    expect(parseWindowDelta(shuffled)).to.deep.equal(delta);
  });

  it('refuses malformed records, deltas and merges with a stable code', () => {
    const accumulator = new QualityDeltaAccumulator(ORDERS);
    const record = { record: {}, recordId: 'r', now: T0, failures: [], quarantined: false };
    expect(attempt(() => accumulator.add({ ...record, now: Number.NaN })).code).to.equal('TRIB_QUALITY_RECORD_INVALID');
    expect(attempt(() => accumulator.add({ ...record, recordId: 7 as unknown as string })).code).to.equal('TRIB_QUALITY_RECORD_INVALID');

    const [delta] = singleDeltas(arrivals.slice(0, 50)) as [QualityWindowDelta];
    const bad = attempt(() =>
      parseWindowDelta({ ...delta, windowStart: delta.windowStart + 1, passed: delta.passed + 1, freshness: { ...delta.freshness, lagBuckets: new Array(300).fill(0) } }),
    );
    expect(bad.code).to.equal('TRIB_QUALITY_DELTA_INVALID');
    expect(bad.retriable).to.equal(false);
    expect(bad.issues.map((i) => i.path)).to.deep.equal(['freshness.lagBuckets']);
    expect(attempt(() => parseWindowDelta({ ...delta, windowStart: delta.windowStart + 1, passed: delta.passed + 1 })).issues.map((i) => i.path)).to.deep.equal([
      'windowStart',
      'records',
    ]);

    const next = { ...delta, windowStart: delta.windowEnd, windowEnd: delta.windowEnd + MINUTE };
    expect(attempt(() => mergeWindowDeltas(delta, next)).code).to.equal('TRIB_QUALITY_DELTA_INVALID');
    const otherSla = { ...delta, freshness: { ...(delta.freshness as NonNullable<QualityWindowDelta['freshness']>), slaMs: 1 } };
    expect(attempt(() => mergeWindowDeltas(delta, otherSla)).message).to.match(/freshness/);
    // A rule set that gained a unique rule within the window: the records before it were not checked.
    expect(mergeWindowDeltas({ ...delta, uniqueness: null }, delta).uniqueness).to.deep.equal(delta.uniqueness);

    const options = attempt(() => new QualityDeltaAccumulator({ pipelineId: '', windowSize: '1 minute', maxFields: -1 }));
    expect(options.code).to.equal('TRIB_QUALITY_OPTIONS_INVALID');
    expect(options.issues.map((i) => i.path)).to.deep.equal(['maxFields', 'pipelineId', 'windowSize']);
  });
});
