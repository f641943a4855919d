import type { PriorityBand } from '@tributary/schemas';
import { expect } from 'chai';
import { assignPriorityBands, choosePartition, murmur2, parsePriority } from '../src/priority/index.js';

const bands: PriorityBand[] = [
  { priority: 'high', firstPartition: 0, lastPartition: 1 },
  { priority: 'normal', firstPartition: 2, lastPartition: 3 },
  { priority: 'low', firstPartition: 4, lastPartition: 5 },
];

describe('murmur2', () => {
  it("matches the Java client's test vectors", () => {
    const cases: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [input, expected] of cases) expect(murmur2(Buffer.from(input)), input).to.equal(expected);
  });
});

describe('choosePartition', () => {
  const never = () => 0;

  it('keeps each priority inside its band and one key on one partition', () => {
    for (let i = 0; i < 500; i++) {
      const key = Buffer.from(`key-${i}`);
      const high = choosePartition(bands, 6, 'high', key, never);
      expect(high).to.be.within(0, 1);
      expect(choosePartition(bands, 6, 'normal', key, never)).to.be.within(2, 3);
      expect(choosePartition(bands, 6, 'low', key, never)).to.be.within(4, 5);
      expect(choosePartition(bands, 6, 'high', key, never)).to.equal(high);
    }
  });

  it('spreads keyless messages round robin inside the band, and hashes over all partitions without bands', () => {
    let n = 0;
    const seen = Array.from({ length: 4 }, () => choosePartition(bands, 6, 'low', null, () => n++));
    expect(seen).to.deep.equal([4, 5, 4, 5]);
    const unbanded = new Set(Array.from({ length: 200 }, (_, i) => choosePartition(undefined, 6, 'high', Buffer.from(`k${i}`), never)));
    expect([...unbanded].sort()).to.deep.equal([0, 1, 2, 3, 4, 5]);
  });

  it('reads the priority header, defaulting to normal', () => {
    expect(parsePriority(Buffer.from('high'))).to.equal('high');
    expect(parsePriority('low')).to.equal('low');
    expect(parsePriority(undefined)).to.equal('normal');
    expect(parsePriority('urgent')).to.equal('normal');
  });
});

describe('assignPriorityBands', () => {
  const topic = { topic: 'cmds', partitions: [0, 1, 2, 3, 4, 5], bands };

  it('gives each of two members one partition of every band', () => {
    const result = assignPriorityBands(['m-b', 'm-a'], [topic]);
    for (const member of ['m-a', 'm-b']) {
      const parts = result[member]!.cmds!;
      expect(parts.filter((p) => p <= 1)).to.have.length(1);
      expect(parts.filter((p) => p >= 2 && p <= 3)).to.have.length(1);
      expect(parts.filter((p) => p >= 4)).to.have.length(1);
    }
  });

  it('assigns every partition exactly once, deterministically, for any member count', () => {
    for (let count = 1; count <= 8; count++) {
      const members = Array.from({ length: count }, (_, i) => `member-${i}`);
      const topics = [topic, { topic: 'events', partitions: [0, 1, 2] }];
      const result = assignPriorityBands(members, topics);
      expect(assignPriorityBands([...members].reverse(), topics)).to.deep.equal(result);
      for (const t of topics) {
        const all = Object.values(result).flatMap((a) => a[t.topic] ?? []);
        expect(all.sort((a, b) => a - b)).to.deep.equal([...t.partitions]);
      }
      const loads = Object.values(result).map((a) => Object.values(a).flat().length);
      expect(Math.max(...loads) - Math.min(...loads)).to.be.at.most(1);
    }
  });
});
