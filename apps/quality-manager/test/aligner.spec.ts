import type { QualityWindowDelta } from '@tributary/quality-metrics';
import { expect } from 'chai';
import { DeltaAligner } from '../src/windows/aligner.js';

const MINUTE = 60_000;
const delta = (windowStart: number): QualityWindowDelta => ({
  pipelineId: 'p',
  windowStart,
  windowEnd: windowStart + MINUTE,
  records: 1,
  passed: 1,
  warned: 0,
  quarantined: 0,
  fields: [],
  rules: [],
  uniqueness: null,
  freshness: null,
});
const starts = (out: { delta: QualityWindowDelta }[]) => out.map((o) => o.delta.windowStart / MINUTE);

describe('DeltaAligner', () => {
  it('releases nothing until partitions not heard from yet had their chance', () => {
    const aligner = new DeltaAligner(5_000);
    expect(aligner.push(0, delta(0), 0, 1_000)).to.deep.equal([]);
    expect(aligner.push(0, delta(5 * MINUTE), 0, 2_000)).to.deep.equal([]);
    // Past the grace: partition 0 alone is active, so everything before its newest window goes.
    expect(starts(aligner.release(6_001))).to.deep.equal([0]);
  });

  it('holds every window until the slowest active partition has moved past it, then releases in window order', () => {
    const aligner = new DeltaAligner(5_000);
    aligner.push(0, delta(0), 0, 0);
    aligner.push(1, delta(0), 0, 0);
    let now = 10_000;
    // Partition 0 races ahead; partition 1 is still in window 0 (and not idle: it just sent).
    expect(aligner.push(1, delta(0), 0, now)).to.deep.equal([]);
    for (let w = 1; w <= 5; w++) expect(aligner.push(0, delta(w * MINUTE), 0, now)).to.deep.equal([]);
    now += 1_000;
    expect(aligner.release(now)).to.deep.equal([]);
    // Partition 1 reaches window 3: windows 0–2 of both partitions go, in window order.
    expect(starts(aligner.push(1, delta(3 * MINUTE), 0, now))).to.deep.equal([0, 0, 0, 1, 2]);
    expect(aligner.held).to.equal(4); // 3, 4, 5 of partition 0 and 3 of partition 1
  });

  it('lets an idle partition stop holding the others back', () => {
    const aligner = new DeltaAligner(5_000);
    aligner.push(0, delta(0), 0, 0);
    aligner.push(1, delta(0), 0, 0);
    // Partition 1 last sent at 0: at 6,000 it is idle, so partition 0 alone sets the watermark.
    expect(starts(aligner.push(0, delta(2 * MINUTE), 0, 6_000))).to.deep.equal([0, 0]);
    // Nothing active any more: everything goes.
    expect(starts(aligner.release(12_000))).to.deep.equal([2]);
  });
});
