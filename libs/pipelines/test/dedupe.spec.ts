import { expect } from 'chai';
import { DedupeWindow, compilePipeline } from '../src/index.js';
import { definition, order } from './support/fixtures.js';

const MINUTE = 60_000;
const T0 = 1_700_000_000_000;

describe('dedupe', () => {
  it('drops a repeated key within the window of event time, lets it through after', () => {
    const p = compilePipeline(definition([{ type: 'dedupe', keys: ['id'], window: '10m', timeField: 'ts' }]));
    const batch = p.applyBatch([
      order({ id: 'a', ts: T0 }),
      order({ id: 'a', ts: T0 + 9 * MINUTE }), // within 10m of the first: duplicate
      order({ id: 'b', ts: T0 + 9 * MINUTE }),
      order({ id: 'a', ts: T0 + 10 * MINUTE }), // the window is not extended by duplicates: passes
      order({ id: 'a', ts: T0 + 15 * MINUTE }), // within 10m of the new window: duplicate
    ]);
    expect(batch.outputs.map((r) => [r['id'], (r['ts'] as number) - T0])).to.deep.equal([
      ['a', 0],
      ['b', 9 * MINUTE],
      ['a', 10 * MINUTE],
    ]);
    expect(batch.counts).to.deep.equal([{ stage: 'dedupe-0', type: 'dedupe', in: 5, out: 3, error: 0 }]);
  });

  it('uses the arrival time (ctx.now, else the clock) without a timeField', () => {
    let now = T0;
    const p = compilePipeline(definition([{ type: 'dedupe', keys: ['id', 'country'], window: '30s' }]), { clock: () => now });
    expect(p.apply(order()).output).to.not.equal(null);
    expect(p.apply(order(), { now: T0 + 29_000 }).output).to.equal(null);
    expect(p.apply(order({ country: 'FR' })).output).to.not.equal(null); // another key
    now = T0 + 30_000;
    expect(p.apply(order()).output).to.not.equal(null);
  });

  it('counts a record arriving out of order within the window as a duplicate', () => {
    const p = compilePipeline(definition([{ type: 'dedupe', keys: ['id'], window: '1m', timeField: 'ts' }]));
    expect(p.apply(order({ ts: T0 + 50_000 })).output).to.not.equal(null);
    expect(p.apply(order({ ts: T0 })).output).to.equal(null);
    expect(p.apply(order({ ts: T0 - 20_000 })).output).to.not.equal(null); // 70s before: another window
  });

  it('fails a record whose time field is not a time', () => {
    const p = compilePipeline(definition([{ type: 'dedupe', keys: ['id'], window: '1m', timeField: 'ts' }]));
    expect(p.apply(order({ ts: 'yesterday' })).error).to.deep.equal({
      stage: 'dedupe-0',
      stageIndex: 0,
      message: 'timeField ts: "yesterday" is not a time in epoch ms',
    });
  });

  it('each compiled pipeline has its own state (one per partition, one per run)', () => {
    const def = definition([{ type: 'dedupe', keys: ['id'], window: '1h', timeField: 'ts' }]);
    const a = compilePipeline(def);
    const b = compilePipeline(def);
    expect(a.apply(order()).output).to.not.equal(null);
    expect(a.apply(order()).output).to.equal(null);
    expect(b.apply(order()).output).to.not.equal(null);
  });

  describe('DedupeWindow', () => {
    it('forgets keys whose window ended, so memory follows the window', () => {
      const w = new DedupeWindow(MINUTE, 1_000);
      for (let i = 0; i < 100; i++) w.isDuplicate(`k${i}`, T0 + i * 1000);
      expect(w.size).to.equal(60); // keys of the last minute only
      expect(w.isDuplicate('k99', T0 + 100_000)).to.equal(true);
      expect(w.isDuplicate('k0', T0 + 100_000)).to.equal(false);
    });

    it('never holds more than maxKeys (the oldest goes first)', () => {
      const w = new DedupeWindow(60 * MINUTE, 3);
      for (const k of ['a', 'b', 'c', 'd']) expect(w.isDuplicate(k, T0)).to.equal(false);
      expect(w.size).to.equal(3);
      expect(w.isDuplicate('d', T0)).to.equal(true);
      expect(w.isDuplicate('a', T0)).to.equal(false); // evicted, so seen as new
    });
  });
});
