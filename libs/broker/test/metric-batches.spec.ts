import { eventSchemas, type MetricSnapshot } from '@tributary/schemas';
import avro from 'avsc';
import { expect } from 'chai';
import { metricBatchDefaults, metricBatchesOf, metricBatchPoints } from '../src/monitoring/batches.js';

const batchType = avro.Type.forSchema(eventSchemas['tributary.monitoring.MetricBatch']);
const AT = Date.UTC(2026, 11, 2, 7, 0, 0);

function sample(i: number, over: Partial<MetricSnapshot> = {}): MetricSnapshot {
  return {
    service: 'staging-manager',
    instance: 'host-1:42',
    metric: `tributary_test_${i % 7}_total`,
    kind: 'counter',
    labels: { topic: `tributary.data.p${i}.raw` },
    value: i,
    count: null,
    buckets: [],
    observedAt: AT,
    ...over,
  };
}

describe('metricBatchesOf', () => {
  it("puts a report's samples in one record keyed by its service, and gives the same points back", () => {
    const samples = Array.from({ length: 40 }, (_, i) => sample(i));
    samples.push(sample(40, { kind: 'histogram', value: 1.5, count: 3, buckets: [{ le: 0.1, count: 2 }, { le: Infinity, count: 3 }] }));
    const batches = metricBatchesOf(samples);
    expect(batches).to.have.length(1);
    expect(batches[0]).to.include({ service: 'staging-manager', instance: 'host-1:42', observedAt: AT });
    expect(batches[0]!.samples).to.have.length(41);
    expect(batches.flatMap(metricBatchPoints)).to.deep.equal(samples);
  });

  it('splits a report larger than the bound into records of at most maxSamples samples, in order', () => {
    const samples = Array.from({ length: 1_234 }, (_, i) => sample(i));
    const batches = metricBatchesOf(samples);
    expect(batches.map((b) => b.samples.length)).to.deep.equal([metricBatchDefaults.maxSamples, metricBatchDefaults.maxSamples, 234]);
    expect(batches.flatMap(metricBatchPoints)).to.deep.equal(samples);
  });

  it('splits by estimated bytes too, over-estimating the Avro encoding, and gives an oversized sample a record of its own', () => {
    const long = 'x'.repeat(10_000);
    const samples = Array.from({ length: 50 }, (_, i) => sample(i, { labels: { path: `${long}${i}` } }));
    const maxBytes = 64 * 1024;
    const batches = metricBatchesOf(samples, { maxBytes });
    expect(batches.length).to.be.greaterThan(1);
    const encoded = batches.map((b) => batchType.toBuffer(b).length);
    for (const bytes of encoded) expect(bytes).to.be.at.most(maxBytes);
    // Not wildly over-estimated either: every record but the last is filled past half the bound.
    for (const bytes of encoded.slice(0, -1)) expect(bytes).to.be.above(maxBytes / 2);
    expect(batches.flatMap(metricBatchPoints)).to.deep.equal(samples);
    const huge = metricBatchesOf([sample(0, { labels: { path: 'y'.repeat(100_000) } }), sample(1)], { maxBytes });
    expect(huge.map((b) => b.samples.length)).to.deep.equal([1, 1]);
  });

  it('keeps samples of other services, instances or times in records of their own (each keyed by its service)', () => {
    const samples = [
      sample(0, { service: 'kafka' }),
      sample(1, { service: 'processor' }),
      sample(2, { service: 'kafka' }),
      sample(3, { service: 'kafka', instance: 'host-2:7' }),
      sample(4, { service: 'kafka', observedAt: AT + 15_000 }),
    ];
    const batches = metricBatchesOf(samples);
    expect(batches.map((b) => [b.service, b.instance, b.observedAt, b.samples.map((s) => s.value)])).to.deep.equal([
      ['kafka', 'host-1:42', AT, [0, 2]],
      ['processor', 'host-1:42', AT, [1]],
      ['kafka', 'host-2:7', AT, [3]],
      ['kafka', 'host-1:42', AT + 15_000, [4]],
    ]);
    expect(metricBatchesOf([])).to.deep.equal([]);
  });

  it('refuses bounds that could not hold a sample', () => {
    expect(() => metricBatchesOf([sample(0)], { maxSamples: 0 })).to.throw(RangeError, /maxSamples/);
    expect(() => metricBatchesOf([sample(0)], { maxBytes: 0 })).to.throw(RangeError, /maxBytes/);
  });
});
