import { expect } from 'chai';
import { GROUP_LAG_METRIC, groupLagSamples } from '../src/lag/lag.js';

describe('consumer group lag', () => {
  it('sums high watermark − committed offset per group and topic, leaving out partitions never committed', () => {
    const highs = new Map([
      ['t.raw', new Map([[0, 100n], [1, 50n], [2, 7n]])],
      ['t.staged', new Map([[0, 10n]])],
    ]);
    const samples = groupLagSamples(
      [
        { groupId: 'staging', topics: [{ topic: 't.raw', partitions: [{ partition: 0, offset: '90' }, { partition: 1, offset: '50' }, { partition: 2, offset: '-1' }] }] },
        { groupId: 'reader', topics: [{ topic: 't.raw', partitions: [{ partition: 0, offset: '-1' }] }] },
        { groupId: 'gone', topics: [{ topic: 't.deleted', partitions: [{ partition: 0, offset: '3' }] }] },
        { groupId: 'processor', topics: [{ topic: 't.staged', partitions: [{ partition: 0, offset: '12' }] }] },
      ],
      highs,
      'm-0',
      5_000,
    );
    expect(samples.map((s) => [s.labels.group, s.labels.topic, s.value])).to.deep.equal([
      ['staging', 't.raw', 10],
      ['processor', 't.staged', 0],
    ]);
    expect(samples[0]).to.deep.include({ service: 'kafka', instance: 'm-0', metric: GROUP_LAG_METRIC, kind: 'gauge', observedAt: 5_000, count: null });
  });
});
