import { expect } from 'chai';
import {
  QualityDeltaAccumulator,
  type QualityMetricsError,
  type QualityWindowDelta,
  type QualityWindowMetrics,
  QualityWindowReducer,
  type QualityWindowReducerOptions,
  mergeWindowDeltas,
  windowMetrics,
} from '../src/index.js';
import { countByHand } from './support/by-hand.js';
import { MINUTE, SECOND, type StampedDelta, T0, generateOrders, rng, transactionDeltas } from './support/fixtures.js';

function attempt(fn: () => unknown): QualityMetricsError {
  try {
    fn();
  } catch (e) {
    return e as QualityMetricsError;
  }
  throw new Error('expected a QualityMetricsError');
}

/** The delta of `records` plain records evaluated at `at` (+1 ms each). */
function deltaAt(at: number, records = 1, pipelineId = 'p'): QualityWindowDelta {
  const accumulator = new QualityDeltaAccumulator({ pipelineId });
  for (let i = 0; i < records; i++) accumulator.add({ record: { id: `${at}-${i}` }, recordId: `${at}-${i}`, now: at + i, failures: [], quarantined: false });
  return accumulator.drain()[0] as QualityWindowDelta;
}

const at = (w: QualityWindowMetrics) => [(w.windowStart - T0) / MINUTE, w.counts.records, w.closedBy];

/** A live run: deltas in the order of their timestamps, with flush on a clock tick between them. */
type Event = { readonly kind: 'delta'; readonly delta: QualityWindowDelta; readonly now: number } | { readonly kind: 'flush'; readonly now: number };

function timeline(stamped: readonly StampedDelta[], tickMs: number): Event[] {
  const events: Event[] = [];
  const last = stamped[stamped.length - 1]?.now ?? T0;
  let tick = T0;
  for (const s of stamped) {
    for (; tick < s.now; tick += tickMs) events.push({ kind: 'flush', now: tick });
    events.push({ kind: 'delta', delta: s.delta, now: s.now });
  }
  for (; tick <= last + 5 * MINUTE; tick += tickMs) events.push({ kind: 'flush', now: tick });
  return events;
}

function run(reducer: QualityWindowReducer, events: readonly Event[]): QualityWindowMetrics[] {
  return events.flatMap((e) => (e.kind === 'delta' ? reducer.add(e.delta, e.now) : reducer.flush(e.now)));
}

/** Generated orders over `minutes`, one partition lagging `lagMs` behind the others for a while. */
function liveStream(seed: number, minutes: number, lagMs: number): StampedDelta[] {
  const arrivals = generateOrders({ seed, count: minutes * 300, minutes, startTime: T0 });
  const stamped = transactionDeltas(arrivals, { seed, partitions: 3, maxBatch: 30 });
  const random = rng(seed + 1);
  // A fifth of the transactions committed late (a slow consumer), some past allowedLateness and idleTimeout.
  return stamped.map((s) => (random() < 0.2 ? { ...s, now: s.now + Math.floor(random() * lagMs) } : s)).sort((a, b) => a.now - b.now);
}

describe('QualityWindowReducer', () => {
  it('closes a window once the deltas reach allowedLateness past its end, not before', () => {
    const reducer = new QualityWindowReducer({ pipelineId: 'p', allowedLateness: '30s', idleTimeout: '10m' });
    expect(reducer.add(deltaAt(T0 + 10 * SECOND), T0 + 11 * SECOND)).to.deep.equal([]);
    expect(reducer.add(deltaAt(T0 + 70 * SECOND), T0 + 71 * SECOND)).to.deep.equal([]); // watermark T0+30s
    expect(reducer.add(deltaAt(T0 + 50 * SECOND), T0 + 80 * SECOND)).to.deep.equal([]); // another partition, still counted
    expect(reducer.add(deltaAt(T0 + 110 * SECOND), T0 + 111 * SECOND)).to.deep.equal([]);
    const closed = reducer.add(deltaAt(T0 + 150 * SECOND, 2), T0 + 151 * SECOND); // watermark T0+90s passes the end of w0
    expect(closed.map(at)).to.deep.equal([[0, 2, 'watermark']]);
    expect(reducer.watermark).to.equal(T0 + 90 * SECOND);
    expect(reducer.openWindowCount).to.equal(2);
    expect(reducer.closeAll().map(at)).to.deep.equal([
      [1, 2, 'close'],
      [2, 2, 'close'],
    ]);
  });

  it('closes an idle window once its end plus allowedLateness passed, by flush or by the next delta alike', () => {
    const reducer = new QualityWindowReducer({ pipelineId: 'p', allowedLateness: '30s' });
    reducer.add(deltaAt(T0 + 10 * SECOND), T0 + 12 * SECOND);
    expect(reducer.flush(T0 + 50 * SECOND)).to.deep.equal([]); // idle, but the window is still current
    expect(reducer.flush(T0 + 89 * SECOND)).to.deep.equal([]);
    expect(reducer.flush(T0 + 90 * SECOND).map(at)).to.deep.equal([[0, 1, 'idle']]);

    const quiet = new QualityWindowReducer({ pipelineId: 'p', allowedLateness: '30s' });
    quiet.add(deltaAt(T0 + 10 * SECOND), T0 + 12 * SECOND);
    // The next delta, whatever its window, closes it on the same rule, before it is merged: late.
    expect(quiet.add(deltaAt(T0 + 20 * SECOND), T0 + 95 * SECOND).map(at)).to.deep.equal([[0, 1, 'idle']]);
    expect(quiet.closeAll()).to.deep.equal([]);
    expect(quiet.add(deltaAt(T0 + 65 * SECOND), T0 + 96 * SECOND)).to.deep.equal([]);
    expect(quiet.closeAll().map((w) => [...at(w), w.counts.late])).to.deep.equal([[1, 1, 'close', 1]]);
  });

  it('counts a delta for a closed window as late in the next window to close, never reopening it', () => {
    const reducer = new QualityWindowReducer({ pipelineId: 'p', allowedLateness: '0s', idleTimeout: '10m' });
    reducer.add(deltaAt(T0 + 5 * SECOND), T0 + 6 * SECOND);
    const [w0] = reducer.add(deltaAt(T0 + 65 * SECOND), T0 + 66 * SECOND);
    expect(w0?.counts).to.deep.include({ records: 1, late: 0 });
    expect(reducer.add(deltaAt(T0 + 20 * SECOND, 3), T0 + 70 * SECOND)).to.deep.equal([]);
    const [w1] = reducer.closeAll();
    expect(w1?.windowStart).to.equal(T0 + MINUTE);
    expect(w1?.counts).to.deep.include({ records: 1, late: 3 });
  });

  it('reports the empty windows between two windows with data, at most maxGapWindows in a row', () => {
    const reducer = new QualityWindowReducer({ pipelineId: 'p', allowedLateness: '0s', idleTimeout: '1h', maxGapWindows: 3 });
    reducer.add(deltaAt(T0 + 10 * SECOND), T0 + 11 * SECOND);
    const closed = reducer.add(deltaAt(T0 + 10 * MINUTE + 40 * SECOND), T0 + 10 * MINUTE + 41 * SECOND);
    expect(closed.map((w) => [...at(w), w.score === null])).to.deep.equal([
      [0, 1, 'watermark', false],
      [1, 0, 'watermark', true],
      [2, 0, 'watermark', true],
      [3, 0, 'watermark', true],
    ]);
    const next = reducer.add(deltaAt(T0 + 11 * MINUTE + 5 * SECOND), T0 + 11 * MINUTE + 6 * SECOND);
    expect(next.map(at)).to.deep.equal([[10, 1, 'watermark']]);
  });

  it('counts a delta stamped far ahead of its own timestamp as future, without moving the watermark', () => {
    const reducer = new QualityWindowReducer({ pipelineId: 'p', futureTolerance: '5m' });
    reducer.add(deltaAt(T0 + SECOND), T0 + 2 * SECOND);
    expect(reducer.add(deltaAt(T0 + 30 * MINUTE, 4), T0 + 3 * SECOND)).to.deep.equal([]);
    expect(reducer.watermark).to.equal(T0 - 30 * SECOND);
    expect(reducer.closeAll().map((w) => [w.windowStart - T0, w.counts.records, w.counts.future])).to.deep.equal([[0, 1, 4]]);
  });

  it('closes the oldest window early past maxOpenWindows', () => {
    const reducer = new QualityWindowReducer({ pipelineId: 'p', allowedLateness: '1h', maxOpenWindows: 2 });
    reducer.add(deltaAt(T0 + 10 * SECOND), T0 + 11 * SECOND);
    expect(reducer.add(deltaAt(T0 + 70 * SECOND), T0 + 71 * SECOND)).to.deep.equal([]);
    expect(reducer.add(deltaAt(T0 + 130 * SECOND), T0 + 131 * SECOND).map(at)).to.deep.equal([[0, 1, 'capacity']]);
    expect(reducer.add(deltaAt(T0 + 20 * SECOND), T0 + 132 * SECOND)).to.deep.equal([]);
    expect(reducer.closeAll().map((w) => [...at(w), w.counts.late])).to.deep.equal([
      [1, 1, 'close', 1],
      [2, 1, 'close', 0],
    ]);
  });

  it('end to end: the windows of a live stream equal the records counted by hand, and its replay equals it', () => {
    const arrivals = generateOrders({ seed: 21, count: 3000, minutes: 10 });
    const events = timeline(transactionDeltas(arrivals, { seed: 21 }), 5 * SECOND);
    const options: QualityWindowReducerOptions = { pipelineId: 'orders' };
    const windows = run(new QualityWindowReducer(options), events);
    const expected = countByHand(arrivals);
    expect(windows.map((w) => [w.windowStart, w.counts.records, w.counts.late])).to.deep.equal(expected.map((e) => [e.start, e.records, 0]));
    // The same deltas replayed at once (no clock ticks between them) close the same windows.
    const replayed = new QualityWindowReducer(options);
    const replay = [...run(replayed, events.filter((e) => e.kind === 'delta')), ...replayed.flush(events[events.length - 1]?.now as number)];
    expect(replay).to.deep.equal(windows);
  });

  it('rolls minute deltas up into the larger windows it is asked for', () => {
    const arrivals = generateOrders({ seed: 5, count: 2000, minutes: 12 });
    const stamped = transactionDeltas(arrivals, { seed: 5 });
    const reducer = new QualityWindowReducer({ pipelineId: 'orders', windowSizes: ['5m', '1m'] });
    const windows = [...stamped.flatMap((s) => reducer.add(s.delta, s.now)), ...reducer.closeAll()];
    const fives = windows.filter((w) => w.windowEnd - w.windowStart === 5 * MINUTE);
    expect(fives.map((w) => (w.windowStart - T0) / MINUTE)).to.deep.equal([0, 5, 10]);
    for (const w of fives) {
      const parts = stamped
        .map((s) => s.delta)
        .filter((d) => d.windowStart >= w.windowStart && d.windowEnd <= w.windowEnd)
        .map((d) => ({ ...d, windowStart: w.windowStart, windowEnd: w.windowEnd }));
      expect(w).to.deep.equal(windowMetrics(parts.reduce((a, b) => mergeWindowDeltas(a, b)), { closedBy: w.closedBy }));
    }
    expect(windows.filter((w) => w.windowEnd - w.windowStart === MINUTE)).to.have.length(12);
    const ends = windows.map((w) => w.windowEnd);
    expect(ends).to.deep.equal([...ends].sort((a, b) => a - b));
  });

  it('restarted from the last published window, continues with the same windows, none twice', () => {
    const options: QualityWindowReducerOptions = { pipelineId: 'orders', windowSizes: ['1m', '5m'], allowedLateness: '30s' };
    const margin = 30 * SECOND + 30 * SECOND + 5 * MINUTE; // allowedLateness + idleTimeout + the largest window
    for (const seed of [31, 32, 33]) {
      const events = timeline(liveStream(seed, 20, 3 * MINUTE), 10 * SECOND);
      const live = new QualityWindowReducer(options);
      const outputs = events.map((e) => (e.kind === 'delta' ? live.add(e.delta, e.now) : live.flush(e.now)));
      const all = outputs.flat();
      expect(all.some((w) => w.counts.late > 0), 'the stream has late deltas').to.equal(true);
      expect(all.some((w) => w.closedBy === 'idle') && all.some((w) => w.closedBy === 'watermark')).to.equal(true);

      for (let cut = 40; cut < events.length - 40; cut += 29) {
        const published = outputs.slice(0, cut).flat();
        const crashedAt = (events[cut - 1] as Event).now;
        const restarted = new QualityWindowReducer(options);
        const lastOfSize = new Map<number, QualityWindowMetrics>();
        for (const w of published) lastOfSize.set(w.windowEnd - w.windowStart, w);
        for (const w of lastOfSize.values()) restarted.markClosed(w);
        // Replay the deltas topic from a little before the oldest last-published window (no clock ticks meanwhile), then go on live.
        // (A window size with nothing published yet: from the beginning.)
        const from = lastOfSize.size < 2 ? -Infinity : Math.min(...[...lastOfSize.values()].map((w) => w.windowEnd)) - margin;
        const replay = events.slice(0, cut).filter((e) => e.kind === 'delta' && e.now >= from);
        const after = [...run(restarted, replay), ...run(restarted, events.slice(cut))];
        expect([...published, ...after], `seed ${seed}, crash at ${(crashedAt - T0) / SECOND}s`).to.deep.equal(all);
      }
    }
  });

  it('refuses what it cannot merge, changing nothing', () => {
    const reducer = new QualityWindowReducer({ pipelineId: 'orders', allowedLateness: '0s' });
    const [delta] = transactionDeltas(generateOrders({ seed: 2, count: 20, minutes: 1 }), { seed: 2, partitions: 1, maxBatch: 100 });
    reducer.add(delta?.delta as QualityWindowDelta, T0 + MINUTE);
    const d = delta?.delta as QualityWindowDelta;
    const conflicting = { ...d, freshness: { ...(d.freshness as NonNullable<QualityWindowDelta['freshness']>), slaMs: 1 } };
    expect(attempt(() => reducer.add(conflicting, T0 + MINUTE)).code).to.equal('TRIB_QUALITY_DELTA_INVALID');
    expect(attempt(() => reducer.add({ ...d, pipelineId: 'payments' }, T0 + MINUTE)).code).to.equal('TRIB_QUALITY_DELTA_INVALID');
    const hourly = { ...d, windowStart: T0, windowEnd: T0 + 3_600_000 };
    expect(attempt(() => reducer.add(hourly, T0 + MINUTE)).message).to.match(/cannot be summed into windows of 60000 ms/);
    expect(attempt(() => reducer.add({ ...d, records: -1 }, T0 + MINUTE)).code).to.equal('TRIB_QUALITY_DELTA_INVALID');
    expect(attempt(() => reducer.add(d, Number.NaN)).code).to.equal('TRIB_QUALITY_RECORD_INVALID');
    expect(reducer.closeAll().map((w) => w.counts.records)).to.deep.equal([20]);
    expect(attempt(() => reducer.markClosed({ pipelineId: 'orders', windowStart: T0, windowEnd: T0 + 5 * MINUTE })).code).to.equal(
      'TRIB_QUALITY_OPTIONS_INVALID',
    );
    const options = attempt(() => new QualityWindowReducer({ pipelineId: 'p', windowSizes: [], maxOpenWindows: 0 }));
    expect(options.issues.map((i) => i.path)).to.deep.equal(['windowSizes', 'maxOpenWindows']);
  });
});

