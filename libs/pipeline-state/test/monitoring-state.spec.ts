import type { MetricBatch } from '@tributary/schemas';
import { expect } from 'chai';
import { createMonitoringState, type MonitoringBounds, type MonitoringState, monitoringViewDefaults, MONITORING_VIEW_TYPES as T } from '../src/index.js';
import { PipelineStateError } from '../src/errors.js';
import { resolveMonitoringBounds } from '../src/monitoring/index.js';
import { alert, anomalyResolved, detected, health, HOUR, MINUTE, SECOND, silence, snapshot, T0 } from './support/monitoring-events.js';

// The folding of the monitoring read model, without Kafka: decoded events in, answers out.
describe('monitoring read model (pure folding)', () => {
  let clock: number;
  const stateWith = (bounds: Partial<MonitoringBounds> = {}): MonitoringState => createMonitoringState({ ...monitoringViewDefaults, ...bounds }, () => clock);
  beforeEach(() => {
    clock = T0 + MINUTE;
  });

  describe('metric series', () => {
    it('keeps a series per service, instance, metric and sorted labels, in time order, ignoring repeats and older points', () => {
      const s = stateWith();
      expect(s.apply(T.metricSnapshot, snapshot({ value: 1, observedAt: T0, labels: { topic: 'orders', group: 'g' } }))).to.equal(true);
      expect(s.apply(T.metricSnapshot, snapshot({ value: 2, observedAt: T0 + 15 * SECOND, labels: { group: 'g', topic: 'orders' } }))).to.equal(true);
      expect(s.apply(T.metricSnapshot, snapshot({ value: 2, observedAt: T0 + 15 * SECOND, labels: { group: 'g', topic: 'orders' } }))).to.equal(false);
      expect(s.apply(T.metricSnapshot, snapshot({ value: 9, observedAt: T0 + 5 * SECOND, labels: { group: 'g', topic: 'orders' } }))).to.equal(false);
      s.apply(T.metricSnapshot, snapshot({ instance: 'cpm-2', value: 7, observedAt: T0, labels: { group: 'g', topic: 'orders' } }));
      const { series, truncated } = s.series();
      expect(truncated).to.equal(false);
      expect(series.map((x) => [x.key, x.points, x.lastValue])).to.deep.equal([
        ['cpm/cpm-1/tributary_messages_consumed_total{group="g",topic="orders"}', 2, 2],
        ['cpm/cpm-2/tributary_messages_consumed_total{group="g",topic="orders"}', 1, 7],
      ]);
      expect(Object.keys(series[0]!.labels)).to.deep.equal(['group', 'topic']);
      expect(series[0]).to.include({ firstAt: T0, lastAt: T0 + 15 * SECOND, kind: 'counter' });
    });

    it('takes every sample of a MetricBatch with its batch\'s service, instance and time, as the same snapshots would be', () => {
      const batch: MetricBatch = {
        service: 'cpm',
        instance: 'cpm-1',
        observedAt: T0,
        samples: [
          { metric: 'tributary_messages_consumed_total', kind: 'counter', labels: { topic: 'orders' }, value: 5, count: null, buckets: [] },
          { metric: 'latency', kind: 'histogram', labels: {}, value: 3.5, count: 7, buckets: [{ le: Infinity, count: 7 }] },
          { metric: 'heap_bytes', kind: 'gauge', labels: {}, value: Number.NaN, count: null, buckets: [] },
        ],
      };
      const s = stateWith();
      expect(s.apply(T.metricBatch, batch)).to.equal(true);
      expect(s.apply(T.metricBatch, batch)).to.equal(false);
      const reference = stateWith();
      for (const x of batch.samples) reference.apply(T.metricSnapshot, snapshot({ ...x, service: batch.service, instance: batch.instance, observedAt: batch.observedAt }));
      expect(s.series()).to.deep.equal(reference.series());
      expect(s.series().series.map((x) => x.metric)).to.deep.equal(['latency', 'tributary_messages_consumed_total']);
      // An older MetricSnapshot and a newer batch fold into the same series.
      expect(s.apply(T.metricSnapshot, snapshot({ value: 9, observedAt: T0 + SECOND }))).to.equal(true);
      expect(s.apply(T.metricBatch, { ...batch, observedAt: T0 + 2 * SECOND })).to.equal(true);
      expect(s.series({ metric: 'tributary_messages_consumed_total' }).series[0]).to.include({ points: 3, lastValue: 5 });
    });

    it('filters by service, instance, metric and labels, and caps the list', () => {
      const s = stateWith();
      s.apply(T.metricSnapshot, snapshot({ labels: { topic: 'a' } }));
      s.apply(T.metricSnapshot, snapshot({ labels: { topic: 'b' } }));
      s.apply(T.metricSnapshot, snapshot({ service: 'processor', instance: 'p-1', labels: { topic: 'a' } }));
      s.apply(T.metricSnapshot, snapshot({ metric: 'heap_bytes', kind: 'gauge', labels: {} }));
      expect(s.series({ service: 'cpm', metric: 'tributary_messages_consumed_total' }).series).to.have.length(2);
      expect(s.series({ labels: { topic: 'a' } }).series.map((x) => x.service)).to.deep.equal(['cpm', 'processor']);
      expect(s.series({ instance: 'p-1' }).series).to.have.length(1);
      expect(s.series({}, 2)).to.deep.include({ truncated: true });
      expect(s.series({}, 2).series).to.have.length(2);
    });

    it('keeps the newest points of a series and answers ranges [from, to) oldest first', () => {
      const s = stateWith({ maxPointsPerSeries: 40 });
      for (let i = 0; i < 100; i++) s.apply(T.metricSnapshot, snapshot({ value: i, observedAt: T0 + i * SECOND }));
      const [info] = s.series().series;
      expect(info).to.include({ points: 40, firstAt: T0 + 60 * SECOND, lastAt: T0 + 99 * SECOND, lastValue: 99 });
      const all = s.points({}, { from: 0, to: Number.MAX_SAFE_INTEGER }).series[0]!.range;
      expect(all.map((p) => p.value)).to.deep.equal(Array.from({ length: 40 }, (_, i) => 60 + i));
      const some = s.points({}, { from: T0 + 70 * SECOND, to: T0 + 75 * SECOND }).series[0]!.range;
      expect(some).to.deep.equal([70, 71, 72, 73, 74].map((v) => ({ at: T0 + v * SECOND, value: v, count: null })));
      expect(s.points({}, { from: T0 + 200 * SECOND, to: T0 + 300 * SECOND }).series[0]!.range).to.deep.equal([]);
    });

    it('keeps histogram counts, skips non-finite values and starts a series over when its kind changes', () => {
      const s = stateWith();
      s.apply(T.metricSnapshot, snapshot({ metric: 'latency', kind: 'histogram', value: 3.5, count: 7, observedAt: T0 }));
      expect(s.apply(T.metricSnapshot, snapshot({ metric: 'latency', kind: 'histogram', value: Number.NaN, count: 8, observedAt: T0 + SECOND }))).to.equal(false);
      expect(s.points({ metric: 'latency' }, { from: T0, to: T0 + HOUR }).series[0]!.range).to.deep.equal([{ at: T0, value: 3.5, count: 7 }]);
      s.apply(T.metricSnapshot, snapshot({ metric: 'latency', kind: 'gauge', value: 1, observedAt: T0 + 2 * SECOND }));
      expect(s.series({ metric: 'latency' }).series[0]).to.include({ kind: 'gauge', points: 1, lastValue: 1 });
    });

    it('drops the series updated least recently once maxSeries are kept, and counts it', () => {
      const s = stateWith({ maxSeries: 2 });
      s.apply(T.metricSnapshot, snapshot({ labels: { topic: 'a' }, observedAt: T0 }));
      s.apply(T.metricSnapshot, snapshot({ labels: { topic: 'b' }, observedAt: T0 }));
      s.apply(T.metricSnapshot, snapshot({ labels: { topic: 'a' }, observedAt: T0 + SECOND }));
      s.apply(T.metricSnapshot, snapshot({ labels: { topic: 'c' }, observedAt: T0 + SECOND }));
      expect(s.series().series.map((x) => x.labels.topic)).to.deep.equal(['a', 'c']);
      expect(s.seriesStats()).to.deep.equal({ series: 2, maxSeries: 2, maxPointsPerSeries: 720, evicted: 1 });
    });
  });

  describe('health', () => {
    it('is UNKNOWN before any report, then the worst component', () => {
      const s = stateWith();
      expect(s.health()).to.deep.equal({ status: 'UNKNOWN', components: [], at: clock });
      s.apply(T.componentHealthChanged, health({ component: 'processor', instance: 'p-1', status: 'UP' }));
      s.apply(T.componentHealthChanged, health({ component: 'processor', instance: null, status: 'UP' }));
      s.apply(T.componentHealthChanged, health({ component: 'cpm', instance: 'c-1', status: 'UP' }));
      s.apply(T.componentHealthChanged, health({ component: 'cpm', instance: 'c-2', status: 'DEGRADED', reason: 'not ready' }));
      const h = s.health();
      expect(h.status).to.equal('DEGRADED');
      expect(h.components.map((c) => [c.component, c.status, c.summary?.status ?? null, c.instances.map((i) => i.instance)])).to.deep.equal([
        ['cpm', 'DEGRADED', null, ['c-1', 'c-2']],
        ['processor', 'UP', 'UP', ['p-1']],
      ]);
    });

    it('keeps the latest change per instance and ignores older ones; the component status is its own when published', () => {
      const s = stateWith();
      s.apply(T.componentHealthChanged, health({ status: 'DOWN', previousStatus: 'UP', changedAt: T0 + 2 * SECOND, lastSeenAt: T0 }));
      expect(s.apply(T.componentHealthChanged, health({ status: 'UP', changedAt: T0 + SECOND }))).to.equal(false);
      s.apply(T.componentHealthChanged, health({ instance: null, status: 'DOWN', changedAt: T0 + 2 * SECOND, lastSeenAt: T0 }));
      const [processor] = s.health().components;
      expect(processor?.status).to.equal('DOWN');
      expect(processor?.instances[0]).to.include({ status: 'DOWN', previousStatus: 'UP' });
    });

    it('forgets what has been DOWN for longer than forgetDownAfterMs, as the manager does', () => {
      const s = stateWith({ forgetDownAfterMs: HOUR });
      s.apply(T.componentHealthChanged, health({ status: 'DOWN', lastSeenAt: T0, changedAt: T0 + MINUTE }));
      s.apply(T.componentHealthChanged, health({ instance: null, status: 'DOWN', lastSeenAt: T0, changedAt: T0 + MINUTE }));
      s.apply(T.componentHealthChanged, health({ component: 'redis', instance: 'monitoring-1', status: 'DEGRADED', lastSeenAt: null, changedAt: T0 }));
      expect(s.health().status).to.equal('DOWN');
      clock = T0 + HOUR + SECOND;
      expect(s.health().components.map((c) => [c.component, c.status])).to.deep.equal([['redis', 'DEGRADED']]);
    });
  });

  describe('alerts', () => {
    it('lists pending and firing alerts by default, newest change first, and resolved ones on request', () => {
      const s = stateWith();
      s.apply(T.alertStateChanged, alert({ alertId: 'a1', state: 'pending', changedAt: T0 }));
      s.apply(T.alertStateChanged, alert({ alertId: 'a1', state: 'firing', previousState: 'pending', changedAt: T0 + MINUTE }));
      s.apply(T.alertStateChanged, alert({ alertId: 'a2', alertName: 'ServiceDown', state: 'pending', labels: { service: 'cpm' }, changedAt: T0 + 2 * MINUTE }));
      s.apply(T.alertStateChanged, alert({ alertId: 'a3', state: 'firing', changedAt: T0 }));
      s.apply(T.alertStateChanged, alert({ alertId: 'a3', state: 'resolved', previousState: 'firing', activeSince: null, changedAt: T0 + 3 * MINUTE }));
      expect(s.alerts().map((a) => [a.alertId, a.state])).to.deep.equal([['a2', 'pending'], ['a1', 'firing']]);
      expect(s.alerts({ state: 'resolved' }).map((a) => a.alertId)).to.deep.equal(['a3']);
      expect(s.alerts({ rule: 'ServiceDown' }).map((a) => a.alertId)).to.deep.equal(['a2']);
      expect(s.alerts({ pipeline: 'orders' }).map((a) => a.alertId)).to.deep.equal(['a1']);
      expect(s.alerts({ service: 'cpm' }).map((a) => a.alertId)).to.deep.equal(['a2']);
      expect(s.alerts({ from: T0 + 90 * SECOND }).map((a) => a.alertId)).to.deep.equal(['a2']);
      expect(s.alerts({ to: T0 + 90 * SECOND }).map((a) => a.alertId)).to.deep.equal(['a1']);
      expect(s.alerts({ limit: 1 }).map((a) => a.alertId)).to.deep.equal(['a2']);
      expect(s.alert('a3')).to.include({ state: 'resolved', activatedAt: T0 });
      expect(s.alert('nope')).to.equal(undefined);
    });

    it('keeps the newest transitions as the history, once each', () => {
      const s = stateWith({ maxAlertHistory: 3 });
      const steps = [
        alert({ alertId: 'a1', state: 'pending', changedAt: T0 }),
        alert({ alertId: 'a1', state: 'firing', previousState: 'pending', changedAt: T0 + SECOND }),
        alert({ alertId: 'a1', state: 'firing', previousState: 'pending', changedAt: T0 + SECOND }),
        alert({ alertId: 'a2', state: 'firing', changedAt: T0 + 2 * SECOND }),
        alert({ alertId: 'a1', state: 'resolved', previousState: 'firing', activeSince: null, changedAt: T0 + 3 * SECOND }),
      ];
      expect(steps.map((e) => s.apply(T.alertStateChanged, e))).to.deep.equal([true, true, false, true, true]);
      expect(s.alertHistory().map((t) => [t.alertId, t.state])).to.deep.equal([['a1', 'resolved'], ['a2', 'firing'], ['a1', 'firing']]);
      expect(s.alertHistory({ alertId: 'a1' }).map((t) => t.state)).to.deep.equal(['resolved', 'firing']);
      expect(s.alertHistory({ state: 'firing', limit: 1 }).map((t) => t.alertId)).to.deep.equal(['a2']);
      // An older transition read late (the alert has moved on) changes nothing.
      expect(s.apply(T.alertStateChanged, alert({ alertId: 'a2', state: 'pending', changedAt: T0 }))).to.equal(false);
      expect(s.alert('a2')?.state).to.equal('firing');
    });

    it('shows an acknowledgement on the activation it was made in, whichever topic was read first', () => {
      const s = stateWith();
      s.apply(T.alertAcknowledged, { alertId: 'a1', acknowledgedBy: 'ann', note: 'on it', acknowledgedAt: T0 + 2 * MINUTE });
      s.apply(T.alertStateChanged, alert({ alertId: 'a1', state: 'firing', activeSince: T0 + MINUTE, changedAt: T0 + MINUTE }));
      expect(s.alert('a1')?.acknowledgement).to.deep.equal({ by: 'ann', note: 'on it', at: T0 + 2 * MINUTE });
      // An older acknowledgement read late changes nothing.
      s.apply(T.alertAcknowledged, { alertId: 'a1', acknowledgedBy: 'bob', note: null, acknowledgedAt: T0 + MINUTE + SECOND });
      expect(s.alert('a1')?.acknowledgement?.by).to.equal('ann');
      s.apply(T.alertStateChanged, alert({ alertId: 'a1', state: 'resolved', previousState: 'firing', activeSince: null, changedAt: T0 + 3 * MINUTE }));
      expect(s.alert('a1')?.acknowledgement?.by, 'the resolved activation keeps it').to.equal('ann');
      s.apply(T.alertStateChanged, alert({ alertId: 'a1', state: 'firing', activeSince: T0 + 4 * MINUTE, changedAt: T0 + 4 * MINUTE }));
      expect(s.alert('a1')?.acknowledgement, 'a new activation starts unacknowledged').to.equal(null);
    });

    it('forgets resolved alerts first once maxAlerts are kept', () => {
      const s = stateWith({ maxAlerts: 2 });
      s.apply(T.alertStateChanged, alert({ alertId: 'a1', state: 'firing', changedAt: T0 }));
      s.apply(T.alertStateChanged, alert({ alertId: 'a2', state: 'resolved', previousState: 'firing', changedAt: T0 + SECOND }));
      s.apply(T.alertStateChanged, alert({ alertId: 'a3', state: 'firing', changedAt: T0 + 2 * SECOND }));
      expect([s.alert('a1')?.state, s.alert('a2'), s.alert('a3')?.state]).to.deep.equal(['firing', undefined, 'firing']);
      s.apply(T.alertStateChanged, alert({ alertId: 'a4', state: 'firing', changedAt: T0 + 3 * SECOND }));
      expect(s.alert('a1')).to.equal(undefined);
    });
  });

  describe('anomalies', () => {
    it('keeps one anomaly per id with its resolution, newest first, filtered by status and service', () => {
      const s = stateWith();
      s.apply(T.anomalyDetected, detected());
      expect(s.apply(T.anomalyDetected, detected())).to.equal(false);
      s.apply(T.anomalyDetected, detected({ anomalyId: 'x:level_shift:1', kind: 'level_shift', service: 'processor', detectedAt: T0 + MINUTE }));
      s.apply(T.anomalyResolved, anomalyResolved());
      expect(s.apply(T.anomalyResolved, anomalyResolved())).to.equal(false);
      expect(s.anomalies().map((a) => [a.anomalyId, a.status])).to.deep.equal([
        ['x:level_shift:1', 'open'],
        [`cpm/latency:deviation:${T0}`, 'resolved'],
      ]);
      expect(s.anomalies({ status: 'resolved' })[0]?.resolution).to.deep.equal({ resolution: 'recovered', value: 0.1, worstValue: 3, badPoints: 4, resolvedAt: T0 + 5 * MINUTE });
      expect(s.anomalies({ service: 'processor' })).to.have.length(1);
      expect(s.anomalies({ limit: 1 })).to.have.length(1);
    });

    it('drops evidence over 64 KiB and forgets resolved anomalies first', () => {
      const s = stateWith({ maxAnomalies: 2 });
      s.apply(T.anomalyDetected, detected({ anomalyId: 'a', evidence: 'x'.repeat(70_000) }));
      expect(s.anomalies()[0]?.evidence).to.equal(null);
      s.apply(T.anomalyResolved, anomalyResolved({ anomalyId: 'a' }));
      s.apply(T.anomalyDetected, detected({ anomalyId: 'b' }));
      s.apply(T.anomalyDetected, detected({ anomalyId: 'c' }));
      expect(s.anomalies().map((a) => a.anomalyId).sort()).to.deep.equal(['b', 'c']);
    });
  });

  describe('silences', () => {
    it('dates silences pending, active and expired by the clock; the first creation stands', () => {
      const s = stateWith();
      s.apply(T.silenceCreated, silence({ silenceId: 's1', startsAt: T0, endsAt: T0 + HOUR, createdAt: T0 }));
      s.apply(T.silenceCreated, silence({ silenceId: 's2', startsAt: T0 + 2 * HOUR, endsAt: T0 + 3 * HOUR, createdAt: T0 + SECOND }));
      expect(s.apply(T.silenceCreated, silence({ silenceId: 's1', comment: 'again' }))).to.equal(false);
      expect(s.silences().map((x) => [x.silenceId, x.state])).to.deep.equal([['s2', 'pending'], ['s1', 'active']]);
      expect(s.silences('active').map((x) => x.silenceId)).to.deep.equal(['s1']);
      expect(s.silence('s1')?.comment).to.equal('maintenance');
      clock = T0 + 2 * HOUR + MINUTE;
      expect(s.silences().map((x) => [x.silenceId, x.state])).to.deep.equal([['s2', 'active'], ['s1', 'expired']]);
    });

    it('ends a silence when it is expired (a pending one before it starts), once', () => {
      const s = stateWith();
      s.apply(T.silenceCreated, silence({ silenceId: 's1' }));
      s.apply(T.silenceCreated, silence({ silenceId: 's2', startsAt: T0 + HOUR, endsAt: T0 + 2 * HOUR }));
      s.apply(T.silenceExpired, { silenceId: 's1', expiredBy: 'bob', expiredAt: T0 + 30 * SECOND });
      s.apply(T.silenceExpired, { silenceId: 's2', expiredBy: 'bob', expiredAt: T0 + 30 * SECOND });
      expect(s.apply(T.silenceExpired, { silenceId: 's1', expiredBy: 'eve', expiredAt: T0 + 40 * SECOND })).to.equal(false);
      expect(s.apply(T.silenceExpired, { silenceId: 'nope', expiredBy: 'eve', expiredAt: T0 })).to.equal(false);
      expect(s.silence('s1')).to.deep.include({ state: 'expired', startsAt: T0, endsAt: T0 + 30 * SECOND, expiredBy: 'bob', expiredAt: T0 + 30 * SECOND });
      expect(s.silence('s2')).to.deep.include({ state: 'expired', startsAt: T0 + 30 * SECOND, endsAt: T0 + 30 * SECOND });
    });

    it('lists expired silences for the retention only, and forgets expired ones first past maxSilences', () => {
      const s = stateWith({ maxSilences: 2, expiredSilenceRetentionMs: HOUR });
      s.apply(T.silenceCreated, silence({ silenceId: 'old', startsAt: T0 - 3 * HOUR, endsAt: T0 - 2 * HOUR, createdAt: T0 - 3 * HOUR }));
      expect(s.silence('old')).to.equal(undefined);
      s.apply(T.silenceCreated, silence({ silenceId: 'done', startsAt: T0 - HOUR, endsAt: T0, createdAt: T0 - HOUR }));
      s.apply(T.silenceCreated, silence({ silenceId: 'live', createdAt: T0 }));
      expect(s.silences().map((x) => x.silenceId)).to.deep.equal(['live', 'done']);
      s.apply(T.silenceCreated, silence({ silenceId: 'new', createdAt: T0 + SECOND }));
      expect(s.silences().map((x) => x.silenceId)).to.deep.equal(['new', 'live']);
    });
  });

  it('keeps the alert rules of the highest version', () => {
    const s = stateWith();
    expect(s.alertRules()).to.equal(undefined);
    const rules = (version: number) => ({ version, rules: `# v${version}`, ruleNames: ['ServiceDown'], changedBy: 'ann', changedAt: T0 + version });
    s.apply(T.alertRulesChanged, rules(2));
    expect(s.apply(T.alertRulesChanged, rules(1))).to.equal(false);
    expect(s.alertRules()).to.deep.equal(rules(2));
  });

  it('ignores types it does not keep and values that are not records', () => {
    const s = stateWith();
    expect(s.apply('tributary.monitoring.Heartbeat', { service: 'cpm' })).to.equal(false);
    expect(s.apply(T.metricSnapshot, null)).to.equal(false);
  });

  it('refuses bounds that are not positive integers, naming each', () => {
    expect(() => resolveMonitoringBounds({ maxSeries: 0, maxPointsPerSeries: 1.5 }))
      .to.throw(PipelineStateError, /maxSeries: must be a positive integer, got 0; maxPointsPerSeries/)
      .with.property('code', 'TRIB_VIEW_OPTIONS_INVALID');
    expect(resolveMonitoringBounds({ maxSeries: 10 })).to.include({ maxSeries: 10, maxPointsPerSeries: 720 });
  });
});
