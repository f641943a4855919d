import { expect } from 'chai';
import { MONITORING_VIEW_TYPES as T } from '@tributary/pipeline-state';
import request from 'supertest';
import { CpmConfigError } from '../src/errors.js';
import { parseAlertDestinations } from '../src/monitoring/destinations.js';
import { baseline, body, codeOf, DAY, HOUR, isoOf, MINUTE, RULES, SECOND, T0, transition, useMonitoringApp } from './monitoring-fixture.js';

const pointsOf = (res: { body: unknown }) => body<{ series: { points: { value: number }[] }[] }>(res).series[0]?.points ?? [];

// What viewers read of monitoring, on the real folding of the read model and in-memory baselines (docs/cpm.md, "Monitoring").
describe('monitoring routes: reads', () => {
  const f = useMonitoringApp();

  describe('health', () => {
    it('is UNKNOWN before any report, then the worst service with its instances (viewer)', async () => {
      expect((await f.get('/health').expect(200)).body).to.deep.include({ status: 'UNKNOWN', services: [] });
      f.monitoring.apply(T.componentHealthChanged, { component: 'processor', instance: 'p-1', status: 'DOWN', previousStatus: 'UP', reason: 'no heartbeat for 46 s', lastSeenAt: f.clock - 46 * SECOND, changedAt: f.clock });
      f.monitoring.apply(T.componentHealthChanged, { component: 'processor', instance: null, status: 'DOWN', previousStatus: 'UP', reason: 'all down', lastSeenAt: f.clock - 46 * SECOND, changedAt: f.clock });
      f.monitoring.apply(T.componentHealthChanged, { component: 'cpm', instance: 'c-1', status: 'UP', previousStatus: null, reason: 'beating and ready', lastSeenAt: f.clock, changedAt: f.clock });
      const res = body<{ status: string; services: { service: string; status: string; instances: unknown[] }[] }>(await f.get('/health').expect(200));
      expect(res.status).to.equal('DOWN');
      expect(res.services.map((s) => [s.service, s.status])).to.deep.equal([['cpm', 'UP'], ['processor', 'DOWN']]);
      expect(res.services[1]).to.deep.include({ reason: 'all down', changedAt: isoOf(f.clock) });
      expect(res.services[1]?.instances[0]).to.deep.equal({ instance: 'p-1', status: 'DOWN', previousStatus: 'UP', reason: 'no heartbeat for 46 s', lastSeenAt: isoOf(f.clock - 46 * SECOND), changedAt: isoOf(f.clock) });
    });

    it('401 without a key or with an unknown one', async () => {
      expect(codeOf(await request(f.app).get('/api/v1/monitoring/health').expect(401))).to.equal('TRIB_AUTH_MISSING');
      expect(codeOf(await f.get('/health', 'nope-nope-nope-nope-1234').expect(401))).to.equal('TRIB_AUTH_INVALID');
    });
  });

  describe('metric series', () => {
    beforeEach(() => {
      const snap = (over: Record<string, unknown>) => ({ service: 'cpm', instance: 'c-1', metric: 'tributary_messages_consumed_total', kind: 'counter', labels: { topic: 'orders' }, value: 1, count: null, buckets: [], observedAt: f.clock, ...over });
      for (let i = 0; i < 5; i++) f.monitoring.apply(T.metricSnapshot, snap({ value: i, observedAt: f.clock - (4 - i) * 15 * SECOND }));
      f.monitoring.apply(T.metricSnapshot, snap({ labels: { topic: 'payments' }, value: 9 }));
      f.monitoring.apply(T.metricSnapshot, snap({ service: 'processor', instance: 'p-1', metric: 'tributary_handler_duration_seconds', kind: 'histogram', labels: {}, value: 2.5, count: 10, observedAt: f.clock - 2 * HOUR }));
    });

    it('lists series, filtered by service, metric and labels', async () => {
      const all = body<{ series: unknown[]; kept: object }>(await f.get('/metrics').expect(200));
      expect(all.series).to.have.length(3);
      expect(all.kept).to.include({ series: 3, maxSeries: 2000, maxPointsPerSeries: 720 });
      const orders = await f.get('/metrics?service=cpm&metric=tributary_messages_consumed_total&label.topic=orders').expect(200);
      expect(orders.body).to.deep.equal({
        series: [
          {
            key: 'cpm/c-1/tributary_messages_consumed_total{topic="orders"}',
            service: 'cpm',
            instance: 'c-1',
            metric: 'tributary_messages_consumed_total',
            kind: 'counter',
            labels: { topic: 'orders' },
            points: 5,
            firstAt: isoOf(f.clock - 60 * SECOND),
            lastAt: isoOf(f.clock),
            lastValue: 4,
          },
        ],
        truncated: false,
        kept: { series: 3, maxSeries: 2000, maxPointsPerSeries: 720, evicted: 0 },
      });
      expect((await f.get('/metrics?limit=1').expect(200)).body).to.deep.include({ truncated: true });
    });

    it('answers the points of matching series in a range (default the last hour), with histogram counts', async () => {
      const recent = await f.get(`/metrics/series?metric=tributary_messages_consumed_total&label.topic=orders&to=${isoOf(f.clock + 1)}`).expect(200);
      expect(pointsOf(recent)).to.deep.equal([0, 1, 2, 3, 4].map((v) => ({ at: isoOf(f.clock - (4 - v) * 15 * SECOND), value: v })));
      expect(recent.body).to.include({ to: isoOf(f.clock + 1), from: isoOf(f.clock + 1 - HOUR), truncated: false });
      const older = await f.get(`/metrics/series?metric=tributary_messages_consumed_total&label.topic=orders&to=${isoOf(f.clock - 30 * SECOND)}`).expect(200);
      expect(pointsOf(older).map((p) => p.value)).to.deep.equal([0, 1]);
      const from = isoOf(f.clock - 3 * HOUR);
      const histogram = await f.get(`/metrics/series?metric=tributary_handler_duration_seconds&from=${from}&to=${isoOf(f.clock + 1)}`).expect(200);
      expect(pointsOf(histogram)).to.deep.equal([{ at: isoOf(f.clock - 2 * HOUR), value: 2.5, count: 10 }]);
      const both = await f.get(`/metrics/series?metric=tributary_messages_consumed_total&service=cpm&to=${isoOf(f.clock + 1)}&limit=1`).expect(200);
      expect(both.body).to.include({ truncated: true });
    });

    it('400 for a missing metric, a bad name, a repeated parameter, a bad label filter, a bad range or limit', async () => {
      const bad = [
        '/metrics/series?service=cpm',
        '/metrics/series?metric=not-a-metric',
        '/metrics?service=a&service=b',
        '/metrics?label.1x=y',
        `/metrics?${Array.from({ length: 21 }, (_, i) => `label.l${i}=v`).join('&')}`,
        `/metrics?service=${'s'.repeat(257)}`,
        '/metrics/series?metric=m&from=yesterday',
        `/metrics/series?metric=m&from=${isoOf(T0)}&to=${isoOf(T0)}`,
        `/metrics/series?metric=m&from=${isoOf(T0 - 8 * DAY)}&to=${isoOf(T0)}`,
        '/metrics?limit=0',
        '/metrics/series?metric=m&limit=101',
      ];
      for (const path of bad) expect(codeOf(await f.get(path).expect(400)), path).to.equal('TRIB_REQUEST_INVALID');
    });
  });

  describe('anomalies', () => {
    it('lists anomalies newest first, by status, with their evidence and resolution', async () => {
      const detected = (anomalyId: string, detectedAt: number) => ({
        anomalyId,
        kind: 'deviation',
        seriesKey: 'cpm/latency',
        service: 'cpm',
        metric: 'latency',
        labels: {},
        measure: 'mean',
        direction: 'up',
        summary: 'latency is 5σ above its baseline',
        value: 2.5,
        zScore: 5,
        baselineMean: 0.1,
        baselineStdDev: 0.05,
        baselineSource: 'overall',
        windowStart: detectedAt - 30 * SECOND,
        windowEnd: detectedAt,
        evidence: '{"points":[{"at":1,"value":2.5,"zScore":5}]}',
        detectedAt,
      });
      f.monitoring.apply(T.anomalyDetected, detected('an-1', f.clock - HOUR));
      f.monitoring.apply(T.anomalyDetected, detected('an-2', f.clock - MINUTE));
      f.monitoring.apply(T.anomalyResolved, { anomalyId: 'an-1', seriesKey: 'cpm/latency', service: 'cpm', metric: 'latency', labels: {}, resolution: 'recovered', value: 0.1, worstValue: 3, badPoints: 4, resolvedAt: f.clock - 30 * MINUTE });
      const all = body<{ anomalies: { anomalyId: string; status: string; evidence: unknown }[] }>(await f.get('/anomalies').expect(200));
      expect(all.anomalies.map((a) => [a.anomalyId, a.status])).to.deep.equal([['an-2', 'open'], ['an-1', 'resolved']]);
      expect(all.anomalies[0]?.evidence).to.deep.equal({ points: [{ at: 1, value: 2.5, zScore: 5 }] });
      const resolved = body<{ anomalies: { resolution: unknown }[] }>(await f.get('/anomalies?status=resolved').expect(200));
      expect(resolved.anomalies[0]?.resolution).to.deep.equal({ resolution: 'recovered', value: 0.1, worstValue: 3, badPoints: 4, resolvedAt: isoOf(f.clock - 30 * MINUTE) });
      expect((await f.get('/anomalies?limit=1').expect(200)).body).to.deep.include({ truncated: true });
      expect(codeOf(await f.get('/anomalies?status=closed').expect(400))).to.equal('TRIB_REQUEST_INVALID');
    });
  });

  describe('alerts', () => {
    beforeEach(() => {
      f.monitoring.apply(T.alertStateChanged, transition({ state: 'pending', previousState: null, changedAt: f.clock - 5 * MINUTE, activeSince: f.clock - 5 * MINUTE }));
      f.monitoring.apply(T.alertStateChanged, transition({ changedAt: f.clock - 3 * MINUTE, activeSince: f.clock - 5 * MINUTE }));
      f.monitoring.apply(T.alertStateChanged, transition({ alertId: 'ffff000011112222', alertName: 'ServiceDown', state: 'firing', previousState: null, severity: 'critical', labels: { service: 'cpm' }, changedAt: f.clock - MINUTE, activeSince: f.clock - MINUTE }));
      f.monitoring.apply(T.alertStateChanged, transition({ alertId: 'eeee000011112222', state: 'resolved', previousState: 'pending', activeSince: null, changedAt: f.clock - 2 * MINUTE }));
      f.monitoring.apply(T.alertAcknowledged, { alertId: 'a1b2c3d4e5f60718', acknowledgedBy: 'apikey:operator:abc', note: 'looking', acknowledgedAt: f.clock - 2 * MINUTE });
    });

    it('lists the current alerts (pending and firing) newest change first, filtered by state, rule, pipeline, service and time', async () => {
      const res = body<{ alerts: { alertId: string }[] }>(await f.get('/alerts').expect(200));
      expect(res.alerts.map((a) => a.alertId)).to.deep.equal(['ffff000011112222', 'a1b2c3d4e5f60718']);
      expect(res.alerts[1]).to.deep.include({
        state: 'firing',
        activeSince: isoOf(f.clock - 5 * MINUTE),
        acknowledgement: { by: 'apikey:operator:abc', note: 'looking', at: isoOf(f.clock - 2 * MINUTE) },
      });
      const ids = async (query: string) => body<{ alerts: { alertId: string }[] }>(await f.get(`/alerts?${query}`).expect(200)).alerts.map((a) => a.alertId);
      expect(await ids('state=resolved')).to.deep.equal(['eeee000011112222']);
      expect(await ids('rule=ServiceDown')).to.deep.equal(['ffff000011112222']);
      expect(await ids('pipeline=orders')).to.deep.equal(['a1b2c3d4e5f60718']);
      expect(await ids('service=cpm')).to.deep.equal(['ffff000011112222']);
      expect(await ids(`to=${isoOf(f.clock - 2 * MINUTE)}`)).to.deep.equal(['a1b2c3d4e5f60718']);
      expect((await f.get('/alerts?limit=1').expect(200)).body).to.deep.include({ truncated: true });
    });

    it('lists the history with history=true, newest first', async () => {
      const res = body<{ history: { alertId: string; state: string }[] }>(await f.get('/alerts?history=true&pipeline=orders').expect(200));
      expect(res.history.map((t) => [t.alertId, t.state])).to.deep.equal([
        ['eeee000011112222', 'resolved'],
        ['a1b2c3d4e5f60718', 'firing'],
        ['a1b2c3d4e5f60718', 'pending'],
      ]);
      expect(res.history[1]).to.not.have.property('acknowledgement');
      expect(body<{ history: unknown[] }>(await f.get('/alerts?history=true&state=pending').expect(200)).history).to.have.length(1);
    });

    it('shows one alert with its acknowledgement and history; 404 for an unknown or impossible id', async () => {
      const res = body<{ acknowledgement: object; history: { state: string }[] }>(await f.get('/alerts/a1b2c3d4e5f60718').expect(200));
      expect(res).to.deep.include({ alertId: 'a1b2c3d4e5f60718', alertName: 'ConsumerLagHigh', state: 'firing', severity: 'warning', value: 12000 });
      expect(res.acknowledgement).to.include({ by: 'apikey:operator:abc' });
      expect(res.history.map((t) => t.state)).to.deep.equal(['firing', 'pending']);
      expect(codeOf(await f.get('/alerts/0000000000000000').expect(404))).to.equal('TRIB_ALERT_NOT_FOUND');
      expect(codeOf(await f.get(`/alerts/${'x'.repeat(200)}`).expect(404))).to.equal('TRIB_ALERT_NOT_FOUND');
    });

    it('400 for a bad state, history flag or time', async () => {
      for (const q of ['state=open', 'history=yes', 'from=soon', `from=${isoOf(T0)}&to=${isoOf(T0 - 1)}`, 'limit=1001']) {
        expect(codeOf(await f.get(`/alerts?${q}`).expect(400)), q).to.equal('TRIB_REQUEST_INVALID');
      }
    });

  });

  describe('silences', () => {
    beforeEach(() => {
      const silence = (silenceId: string, startsAt: number, endsAt: number, createdAt: number) => ({
        silenceId,
        matchers: ['service="processor"'],
        startsAt,
        endsAt,
        comment: 'maintenance',
        createdBy: 'apikey:operator:abc',
        createdAt,
      });
      f.monitoring.apply(T.silenceCreated, silence('s-active', f.clock - HOUR, f.clock + HOUR, f.clock - HOUR));
      f.monitoring.apply(T.silenceCreated, silence('s-pending', f.clock + HOUR, f.clock + 2 * HOUR, f.clock - 30 * MINUTE));
      f.monitoring.apply(T.silenceCreated, silence('s-expired', f.clock - 3 * HOUR, f.clock - 2 * HOUR, f.clock - 3 * HOUR));
    });

    it('lists them newest first with their state, and shows one; 404 for an unknown one', async () => {
      const res = body<{ silences: { silenceId: string; state: string }[] }>(await f.get('/silences').expect(200));
      expect(res.silences.map((s) => [s.silenceId, s.state])).to.deep.equal([
        ['s-pending', 'pending'],
        ['s-active', 'active'],
        ['s-expired', 'expired'],
      ]);
      expect(body<{ silences: unknown[] }>(await f.get('/silences?state=active').expect(200)).silences).to.have.length(1);
      expect(codeOf(await f.get('/silences?state=muted').expect(400))).to.equal('TRIB_REQUEST_INVALID');
      expect((await f.get('/silences/s-active').expect(200)).body).to.deep.include({ silenceId: 's-active', state: 'active', matchers: ['service="processor"'], endsAt: isoOf(f.clock + HOUR) });
      expect(codeOf(await f.get('/silences/nope').expect(404))).to.equal('TRIB_SILENCE_NOT_FOUND');
    });
  });

  describe('alert rules', () => {
    it('GET 404 until the manager published rules, then the text with ETag: "<version>"', async () => {
      expect(codeOf(await f.get('/alert-rules').expect(404))).to.equal('TRIB_ALERT_RULES_NOT_FOUND');
      f.monitoring.apply(T.alertRulesChanged, { version: 4, rules: RULES, ruleNames: ['ServiceDown'], changedBy: 'apikey:admin:abc', changedAt: f.clock });
      const res = await f.get('/alert-rules').expect(200);
      expect(res.headers.etag).to.equal('"4"');
      expect(res.body).to.deep.equal({ version: 4, rules: RULES, ruleNames: ['ServiceDown'], changedBy: 'apikey:admin:abc', changedAt: isoOf(f.clock) });
    });
  });

  describe('baselines', () => {
    beforeEach(() => {
      for (const s of [baseline('cpm', 'tributary_messages_consumed_total', { topic: 'b' }), baseline('cpm', 'tributary_messages_consumed_total', { topic: 'a' }), baseline('cpm', 'heap'), baseline('processor', 'heap')]) {
        f.baselines.snapshots.set(s.key, s);
      }
    });

    it("reads baselines from the manager's cache, by service and metric", async () => {
      const all = body<{ baselines: { seriesKey: string; hours: unknown[] }[] }>(await f.get('/baselines').expect(200));
      expect(all.baselines.map((b) => b.seriesKey)).to.deep.equal([
        'cpm/heap',
        'cpm/tributary_messages_consumed_total/topic=a',
        'cpm/tributary_messages_consumed_total/topic=b',
        'processor/heap',
      ]);
      expect(all.baselines[0]).to.deep.include({ service: 'cpm', metric: 'heap', kind: 'gauge', measure: 'value', points: 40, mean: 10, stdDev: 2, ready: true, lastAt: isoOf(T0), lastValue: 11, openAnomaly: null });
      expect(all.baselines[0]?.hours).to.deep.equal([{ hour: 10, points: 70, mean: 12, stdDev: 1, days: 3, ready: true }]);
      const consumed = body<{ baselines: { labels: unknown }[] }>(await f.get('/baselines?service=cpm&metric=tributary_messages_consumed_total').expect(200));
      expect(consumed.baselines.map((b) => b.labels)).to.deep.equal([{ topic: 'a' }, { topic: 'b' }]);
      expect((await f.get('/baselines?metric=heap&limit=1').expect(200)).body).to.deep.include({ truncated: true });
      expect(codeOf(await f.get('/baselines?metric=a%20b').expect(400))).to.equal('TRIB_REQUEST_INVALID');
    });

    it('503 TRIB_BASELINES_UNAVAILABLE with Retry-After while Redis is down', async () => {
      f.baselines.down = true;
      const res = await f.get('/baselines').expect(503);
      expect(codeOf(res)).to.equal('TRIB_BASELINES_UNAVAILABLE');
      expect(res.headers['retry-after']).to.equal('4');
    });
  });

  it('reads MONITORING_ALERT_DESTINATIONS once, refusing a malformed entry without echoing it whole', () => {
    expect(parseAlertDestinations(undefined)).to.deep.equal([]);
    expect(parseAlertDestinations(' https://hooks.slack.com , https://alerts.example.com/tributary/ ,')).to.deep.equal(['https://hooks.slack.com', 'https://alerts.example.com/tributary/']);
    expect(() => parseAlertDestinations('https://hooks.slack.com,ftp://user:pw@files.example.com/x'))
      .to.throw(CpmConfigError, /MONITORING_ALERT_DESTINATIONS\[1\]/)
      .with.property('code', 'TRIB_CPM_OPTIONS_INVALID');
    expect(() => parseAlertDestinations('ftp://user:pw@files.example.com/x')).to.throw().that.satisfies((e: Error) => !e.message.includes('pw@'));
  });
});
