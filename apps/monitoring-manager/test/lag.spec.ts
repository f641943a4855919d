import { expect } from 'chai';
import { GROUP_LAG_METRIC, groupLagSamples, groupOwner } from '../src/lag/lag.js';

describe('consumer group lag', () => {
  it('sums high watermark − committed offset per group and topic, leaving out partitions never committed', () => {
    const highs = new Map([
      ['t.raw', new Map([[0, 100n], [1, 50n], [2, 7n]])],
      ['t.staged', new Map([[0, 10n]])],
    ]);
    const samples = groupLagSamples(
      [
        { groupId: 't-staging-manager', topics: [{ topic: 't.raw', partitions: [{ partition: 0, offset: '90' }, { partition: 1, offset: '50' }, { partition: 2, offset: '-1' }] }] },
        { groupId: 'reader', topics: [{ topic: 't.raw', partitions: [{ partition: 0, offset: '-1' }] }] },
        { groupId: 'gone', topics: [{ topic: 't.deleted', partitions: [{ partition: 0, offset: '3' }] }] },
        { groupId: 'console-consumer-1', topics: [{ topic: 't.staged', partitions: [{ partition: 0, offset: '12' }] }] },
      ],
      highs,
      { topicPrefix: 't', instance: 'm-0' },
      5_000,
    );
    expect(samples.map((s) => [s.service, s.labels.group, s.labels.topic, s.value])).to.deep.equal([
      ['staging-manager', 't-staging-manager', 't.raw', 10],
      ['kafka', 'console-consumer-1', 't.staged', 0],
    ]);
    expect(samples[0]).to.deep.include({ instance: 'm-0', metric: GROUP_LAG_METRIC, kind: 'gauge', observedAt: 5_000, count: null });
  });

  it('names the service that runs a group from Tributary’s group names, else kafka', () => {
    const owners = [
      'tributary-staging-manager',
      'tributary-staging-manager.replay.run-1',
      'tributary-pipeline-manager',
      'tributary-processor.orders',
      'tributary-quality.orders',
      'tributary-quality-tracker',
      'tributary-quality-redrive.orders.r-1',
      'tributary-monitoring',
      'tributary-cpm.views.1234',
      'tributary-processors',
      'other-staging-manager',
      'tributary-connect-sink',
    ].map((g) => groupOwner('tributary', g));
    expect(owners).to.deep.equal([
      'staging-manager',
      'staging-manager',
      'pipeline-manager',
      'processor',
      'quality-manager',
      'quality-manager',
      'quality-manager',
      'monitoring-manager',
      'cpm',
      'kafka',
      'kafka',
      'kafka',
    ]);
  });
});
