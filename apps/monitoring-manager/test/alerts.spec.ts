import { AlertEvaluator, parseAlertingConfig } from '@tributary/alerting';
import { silentLogger } from '@tributary/broker';
import type { AnomalyTransition } from '@tributary/monitoring-baselines';
import type { Heartbeat, MetricSnapshot } from '@tributary/schemas';
import { expect } from 'chai';
import { createAlerting, HEARTBEAT_METRIC } from '../src/alerts.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const MINUTE = 60_000;

const config = parseAlertingConfig(
  `groups:
  - name: g
    rules:
      - { name: Down, kind: absent, series: { metric: ${HEARTBEAT_METRIC} }, absent: { window: 1m } }
      - { name: Gone, kind: absent, series: { metric: queue_depth, matchers: ['service="never"'] }, absent: { window: 1m } }
      - { name: Deep, kind: threshold, series: { metric: queue_depth }, threshold: { op: '>', value: 10 } }
      - { name: Growing, kind: rate_of_change, series: { metric: queue_depth }, rate_of_change: { window: 5m, op: '>', value: 5 } }
      - { name: Slow, kind: anomaly, series: { metric: latency }, anomaly: { min_score: 3 } }
`,
  { allowedDestinations: [] },
);

const snapshot = (metric: string, value: number, at: number, service = 'svc'): MetricSnapshot => ({
  service,
  instance: `${service}-0`,
  metric,
  kind: 'gauge',
  labels: { topic: 't' },
  value,
  count: null,
  buckets: [],
  observedAt: at,
});

const beat = (service: string, at: number): Heartbeat => ({ service, instance: `${service}-0`, version: null, ready: true, startedAt: T0, sentAt: at });

/** The fields of a transition the alerting feeder reads (an anomaly opened on `metric`). */
const opened = (metric: string, at: number): AnomalyTransition =>
  ({ kind: 'opened', anomaly: { metric, service: 'svc', labels: { topic: 't' }, detectedAt: at, evidence: { value: 9, zScore: 5 } } }) as unknown as AnomalyTransition;

describe('alert rule feeding in the monitoring manager', () => {
  it('leaves the evaluator exactly as feeding it every snapshot, heartbeat and anomaly would (absent, threshold, rate and anomaly rules)', () => {
    const alerting = createAlerting({ config, allowedDestinations: [], publisher: { publish: () => Promise.reject(new Error('nothing is published here')) }, alertsTopic: 'alerts', logger: silentLogger });
    // The feeding before the metric check: every input turned into a sample or signal.
    const reference = new AlertEvaluator(config.rules);
    const feed = {
      snapshot(s: MetricSnapshot) {
        alerting.snapshot(s);
        reference.observe({ metric: s.metric, labels: { ...s.labels, service: s.service, instance: s.instance }, value: s.value, time: s.observedAt });
      },
      heartbeat(b: Heartbeat) {
        alerting.heartbeat(b);
        reference.observe({ metric: HEARTBEAT_METRIC, labels: { service: b.service, instance: b.instance }, value: b.ready ? 1 : 0, time: b.sentAt });
      },
      anomaly(t: AnomalyTransition) {
        alerting.anomaly(t);
        const a = t.anomaly;
        reference.observeAnomaly({ metric: a.metric, labels: { ...a.labels, service: a.service }, value: a.evidence.value, score: a.evidence.zScore, time: a.detectedAt });
      },
    };
    const changes: [string, string][] = [];
    const evaluateBoth = (at: number) => {
      const got = alerting.evaluator.evaluate(at);
      expect(got).to.deep.equal(reference.evaluate(at));
      changes.push(...got.map((c): [string, string] => [c.alertName, c.state]));
    };

    for (let minute = 0; minute < 4; minute++) {
      const at = T0 + minute * MINUTE;
      feed.snapshot(snapshot('unread_total', minute, at));
      feed.snapshot(snapshot('latency', 0.1, at));
      feed.snapshot(snapshot('queue_depth', minute * 10, at));
      if (minute < 2) feed.heartbeat(beat('cpm', at));
      evaluateBoth(at);
    }
    feed.anomaly(opened('latency', T0 + 3 * MINUTE));
    feed.anomaly(opened('queue_depth', T0 + 3 * MINUTE));
    evaluateBoth(T0 + 3 * MINUTE + 1);

    expect(alerting.evaluator.snapshot()).to.deep.equal(reference.snapshot());
    // Only the metrics some rule reads were kept: queue_depth and the heartbeat as samples, latency as a signal.
    expect(alerting.evaluator.stats).to.deep.include({ series: 2, anomalySeries: 1 });
    expect(changes).to.deep.equal([
      ['Growing', 'firing'],
      ['Gone', 'firing'],
      ['Deep', 'firing'],
      ['Down', 'firing'],
      ['Slow', 'firing'],
    ]);
  });
});
