import { expect } from 'chai';
import { AlertEvaluator, type AlertStateChange, fingerprint, ruleMetrics } from '../src/index.js';
import { MINUTE, SECOND, T0, attempt, config } from './support/fixtures.js';

const rules = (yaml: string) => config(`groups:\n  - name: g\n    rules:\n${yaml}`).rules;

const LAG = rules(`      - name: LagHigh
        kind: threshold
        series: { metric: lag, matchers: ['service="pm"'] }
        threshold: { op: '>', value: 100 }
        for: 2m
        labels: { team: data }
        annotations: { summary: 'lag of {{ $labels.pipelineId }} is {{ $value }}' }
`);

const summary = (changes: readonly AlertStateChange[]) => changes.map((c) => [c.alertName, c.previousState, c.state, c.value, c.labels.pipelineId ?? c.labels.service ?? null]);

describe('AlertEvaluator', () => {
  it('goes pending → firing after `for` → resolved after recovery, with AlertStateChanged values', () => {
    const evaluator = new AlertEvaluator(LAG);
    const lag = (minutes: number, value: number, pipelineId = 'orders') =>
      evaluator.observe({ metric: 'lag', labels: { service: 'pm', pipelineId }, value, time: T0 + minutes * MINUTE });
    lag(0, 150);
    const pending = evaluator.evaluate(T0);
    expect(pending).to.deep.equal([
      {
        alertId: fingerprint({ alertname: 'LagHigh', pipelineId: 'orders', service: 'pm', severity: 'warning', team: 'data' }),
        alertName: 'LagHigh',
        state: 'pending',
        previousState: null,
        severity: 'warning',
        labels: { alertname: 'LagHigh', pipelineId: 'orders', service: 'pm', severity: 'warning', team: 'data' },
        annotations: { summary: 'lag of orders is 150' },
        value: 150,
        activeSince: T0,
        changedAt: T0,
      },
    ]);
    lag(1, 180);
    expect(evaluator.evaluate(T0 + MINUTE)).to.deep.equal([]);
    lag(2, 200);
    const firing = evaluator.evaluate(T0 + 2 * MINUTE);
    expect(summary(firing)).to.deep.equal([['LagHigh', 'pending', 'firing', 200, 'orders']]);
    expect(firing[0]).to.deep.include({ alertId: pending[0]?.alertId, activeSince: T0, annotations: { summary: 'lag of orders is 200' } });
    lag(3, 250);
    expect(evaluator.evaluate(T0 + 3 * MINUTE)).to.deep.equal([]);
    lag(4, 20);
    const resolved = evaluator.evaluate(T0 + 4 * MINUTE);
    expect(summary(resolved)).to.deep.equal([['LagHigh', 'firing', 'resolved', 20, 'orders']]);
    expect(resolved[0]).to.deep.include({ activeSince: null, changedAt: T0 + 4 * MINUTE, annotations: { summary: 'lag of orders is 250' } });
    expect(evaluator.activeAlerts()).to.deep.equal([]);
  });

  it('ignores series the selector does not match and metrics no rule reads', () => {
    const evaluator = new AlertEvaluator(LAG);
    expect(evaluator.observe({ metric: 'lag', labels: { service: 'cpm' }, value: 1e9, time: T0 })).to.equal(true);
    expect(evaluator.observe({ metric: 'other', labels: {}, value: 1e9, time: T0 })).to.equal(false);
    expect(evaluator.evaluate(T0)).to.deep.equal([]);
    expect(evaluator.stats.series).to.equal(1);
  });

  it('drops a pending alert whose condition clears, publishing resolved from pending', () => {
    const evaluator = new AlertEvaluator(LAG);
    evaluator.observe({ metric: 'lag', labels: { service: 'pm' }, value: 150, time: T0 });
    evaluator.evaluate(T0);
    evaluator.observe({ metric: 'lag', labels: { service: 'pm' }, value: 50, time: T0 + MINUTE });
    expect(summary(evaluator.evaluate(T0 + MINUTE))).to.deep.equal([['LagHigh', 'pending', 'resolved', 50, 'pm']]);
    evaluator.observe({ metric: 'lag', labels: { service: 'pm' }, value: 150, time: T0 + 2 * MINUTE });
    const again = evaluator.evaluate(T0 + 2 * MINUTE);
    expect(again[0]).to.deep.include({ state: 'pending', previousState: null, activeSince: T0 + 2 * MINUTE });
  });

  it('fires at once without `for`, and keeps firing for keep_firing_for after recovery', () => {
    const evaluator = new AlertEvaluator(
      rules(`      - { name: Hot, kind: threshold, series: { metric: temp }, threshold: { op: '>=', value: 90 }, keep_firing_for: 3m }\n`),
    );
    const temp = (minutes: number, value: number) => evaluator.observe({ metric: 'temp', labels: { room: 'a' }, value, time: T0 + minutes * MINUTE });
    temp(0, 90);
    expect(summary(evaluator.evaluate(T0))).to.deep.equal([['Hot', null, 'firing', 90, null]]);
    temp(1, 10);
    expect(evaluator.evaluate(T0 + MINUTE)).to.deep.equal([]);
    expect(evaluator.activeAlerts()[0]).to.deep.include({ state: 'firing', keepFiringSince: T0 + MINUTE });
    temp(2, 95);
    expect(evaluator.evaluate(T0 + 2 * MINUTE)).to.deep.equal([]);
    expect(evaluator.activeAlerts()[0]?.keepFiringSince).to.equal(null);
    temp(3, 10);
    expect(evaluator.evaluate(T0 + 3 * MINUTE)).to.deep.equal([]);
    expect(evaluator.evaluate(T0 + 5 * MINUTE)).to.deep.equal([]);
    expect(summary(evaluator.evaluate(T0 + 6 * MINUTE))).to.deep.equal([['Hot', 'firing', 'resolved', 10, null]]);
  });

  it('resolves an alert whose series went stale (no sample within the staleness period)', () => {
    const evaluator = new AlertEvaluator(LAG, { staleness: '5m' });
    evaluator.observe({ metric: 'lag', labels: { service: 'pm' }, value: 150, time: T0 });
    evaluator.evaluate(T0);
    expect(evaluator.evaluate(T0 + 2 * MINUTE).map((c) => c.state)).to.deep.equal(['firing']);
    expect(evaluator.evaluate(T0 + 5 * MINUTE)).to.deep.equal([]);
    expect(summary(evaluator.evaluate(T0 + 5 * MINUTE + 1))).to.deep.equal([['LagHigh', 'firing', 'resolved', null, 'pm']]);
  });

  describe('absent rules', () => {
    const DOWN = rules(`      - name: ServiceDown
        kind: absent
        series: { metric: heartbeat, matchers: ['env="prod"'] }
        absent: { window: 1m }
        for: 30s
        severity: critical
        annotations: { summary: '{{ $labels.service }} is silent' }
`);

    it('fires for a series that stops reporting, and resolves when it reports again', () => {
      const evaluator = new AlertEvaluator(DOWN);
      const beat = (seconds: number, service = 'cpm') => evaluator.observe({ metric: 'heartbeat', labels: { env: 'prod', service }, value: 1, time: T0 + seconds * SECOND });
      beat(0);
      beat(0, 'pm');
      expect(evaluator.evaluate(T0)).to.deep.equal([]);
      beat(50, 'pm');
      expect(evaluator.evaluate(T0 + 60 * SECOND)).to.deep.equal([]);
      const pending = evaluator.evaluate(T0 + 61 * SECOND);
      expect(summary(pending)).to.deep.equal([['ServiceDown', null, 'pending', null, 'cpm']]);
      expect(pending[0]).to.deep.include({ severity: 'critical', annotations: { summary: 'cpm is silent' } });
      beat(80, 'pm');
      expect(summary(evaluator.evaluate(T0 + 91 * SECOND))).to.deep.equal([['ServiceDown', 'pending', 'firing', null, 'cpm']]);
      beat(95);
      expect(summary(evaluator.evaluate(T0 + 100 * SECOND))).to.deep.equal([['ServiceDown', 'firing', 'resolved', null, 'cpm']]);
    });

    it('fires for the selector when no series ever matched, with its equality matchers as labels', () => {
      const evaluator = new AlertEvaluator(DOWN);
      expect(evaluator.evaluate(T0)).to.deep.equal([]);
      const pending = evaluator.evaluate(T0 + 61 * SECOND);
      expect(pending[0]).to.deep.include({ state: 'pending', labels: { alertname: 'ServiceDown', env: 'prod', severity: 'critical' } });
      evaluator.observe({ metric: 'heartbeat', labels: { env: 'prod', service: 'cpm' }, value: 1, time: T0 + 62 * SECOND });
      expect(summary(evaluator.evaluate(T0 + 62 * SECOND))).to.deep.equal([['ServiceDown', 'pending', 'resolved', null, null]]);
    });

    it('resolves the absence of a forgotten series without alerting on the selector', () => {
      const evaluator = new AlertEvaluator(DOWN);
      evaluator.observe({ metric: 'heartbeat', labels: { env: 'prod', service: 'cpm' }, value: 1, time: T0 });
      evaluator.evaluate(T0 + 61 * SECOND);
      expect(evaluator.evaluate(T0 + 91 * SECOND).map((c) => c.state)).to.deep.equal(['firing']);
      expect(evaluator.forgetSeries('heartbeat', { service: 'cpm' })).to.equal(1);
      expect(summary(evaluator.evaluate(T0 + 92 * SECOND))).to.deep.equal([['ServiceDown', 'firing', 'resolved', null, 'cpm']]);
      expect(evaluator.evaluate(T0 + 10 * MINUTE)).to.deep.equal([]);
    });
  });

  describe('rate_of_change rules', () => {
    it('judges the absolute change over the window, scaled per interval', () => {
      const evaluator = new AlertEvaluator(
        rules(`      - { name: Growing, kind: rate_of_change, series: { metric: queue }, rate_of_change: { window: 5m, per: 1m, op: '>', value: 100 } }\n`),
      );
      const queue = (minutes: number, value: number) => evaluator.observe({ metric: 'queue', labels: {}, value, time: T0 + minutes * MINUTE });
      queue(0, 0);
      expect(evaluator.evaluate(T0)).to.deep.equal([]);
      queue(1, 50);
      expect(evaluator.evaluate(T0 + MINUTE)).to.deep.equal([]);
      queue(2, 400);
      expect(summary(evaluator.evaluate(T0 + 2 * MINUTE))).to.deep.equal([['Growing', null, 'firing', 200, null]]);
      queue(7, 400);
      expect(summary(evaluator.evaluate(T0 + 7 * MINUTE))).to.deep.equal([['Growing', 'firing', 'resolved', 0, null]]);
    });

    it('judges the change in percent of the oldest value in the window', () => {
      const evaluator = new AlertEvaluator(
        rules(`      - { name: Dropped, kind: rate_of_change, series: { metric: rps }, rate_of_change: { window: 10m, unit: percent, op: '<', value: -50 } }\n`),
      );
      const rps = (minutes: number, value: number) => evaluator.observe({ metric: 'rps', labels: {}, value, time: T0 + minutes * MINUTE });
      rps(0, 1000);
      rps(10, 600);
      expect(evaluator.evaluate(T0 + 10 * MINUTE)).to.deep.equal([]);
      rps(15, 200);
      const changes = evaluator.evaluate(T0 + 15 * MINUTE);
      expect(summary(changes)).to.deep.equal([['Dropped', null, 'firing', (-400 / 600) * 100 * 2, null]]);
    });
  });

  it('fires anomaly rules on the score of the series, in the configured direction', () => {
    const evaluator = new AlertEvaluator(
      rules(`      - { name: Anomalous, kind: anomaly, series: { metric: score }, anomaly: { min_score: 3, direction: below }, annotations: { summary: 'score {{ $value }}' } }\n`),
    );
    expect(evaluator.observeAnomaly({ metric: 'score', labels: { pipelineId: 'p1' }, value: 99, score: 4, time: T0 })).to.equal(true);
    expect(evaluator.evaluate(T0)).to.deep.equal([]);
    evaluator.observeAnomaly({ metric: 'score', labels: { pipelineId: 'p1' }, value: 60, score: -3.5, time: T0 + MINUTE });
    const firing = evaluator.evaluate(T0 + MINUTE);
    expect(summary(firing)).to.deep.equal([['Anomalous', null, 'firing', 60, 'p1']]);
    expect(firing[0]?.annotations).to.deep.equal({ summary: 'score 60' });
  });

  it('gives the same alert id whatever the label order, and different ids to different label sets', () => {
    expect(fingerprint({ b: '2', a: '1' })).to.equal(fingerprint({ a: '1', b: '2' }));
    expect(fingerprint({ a: '1', b: '' })).to.equal(fingerprint({ a: '1' }));
    expect(fingerprint({ a: '1b' })).to.not.equal(fingerprint({ a1: 'b' }));
    expect(fingerprint({ a: '1' })).to.match(/^[0-9a-f]{16}$/);
  });

  it('resumes from a JSON snapshot: `for` keeps counting and nothing fires twice', () => {
    const before = new AlertEvaluator(LAG);
    before.observe({ metric: 'lag', labels: { service: 'pm' }, value: 150, time: T0 });
    before.evaluate(T0);
    const snapshot = JSON.parse(JSON.stringify(before.snapshot())) as unknown;
    const after = new AlertEvaluator(LAG);
    after.restore(snapshot);
    expect(after.evaluate(T0 + MINUTE)).to.deep.equal([]);
    const firing = after.evaluate(T0 + 2 * MINUTE);
    expect(summary(firing)).to.deep.equal([['LagHigh', 'pending', 'firing', 150, 'pm']]);
    expect(firing[0]?.activeSince).to.equal(T0);
    expect(after.evaluate(T0 + 3 * MINUTE)).to.deep.equal([]);
    expect(attempt(() => after.restore({ version: 2 })).code).to.equal('TRIB_ALERT_SNAPSHOT_INVALID');
  });

  it('keeps rate windows across a snapshot, NaN samples included', () => {
    const rate = rules(`      - { name: Growing, kind: rate_of_change, series: { metric: q }, rate_of_change: { window: 5m, op: '>', value: 10 } }\n`);
    const before = new AlertEvaluator(rate);
    before.observe({ metric: 'q', labels: {}, value: 0, time: T0 });
    before.observe({ metric: 'q', labels: { odd: 'yes' }, value: Number.NaN, time: T0 });
    const after = new AlertEvaluator(rate);
    after.restore(JSON.parse(JSON.stringify(before.snapshot())));
    after.observe({ metric: 'q', labels: {}, value: 100, time: T0 + MINUTE });
    after.observe({ metric: 'q', labels: { odd: 'yes' }, value: 100, time: T0 + MINUTE });
    expect(summary(after.evaluate(T0 + MINUTE))).to.deep.equal([['Growing', null, 'firing', 500, null]]);
    expect(after.snapshot().series.find((s) => s.labels.odd === 'yes')?.samples[0]?.[1]).to.be.NaN;
  });

  it('resolves the alerts of a rule that was removed', () => {
    const evaluator = new AlertEvaluator(rules(`      - { name: Hot, kind: threshold, series: { metric: t }, threshold: { op: '>', value: 1 } }\n`));
    evaluator.observe({ metric: 't', labels: {}, value: 5, time: T0 });
    expect(evaluator.evaluate(T0).map((c) => c.state)).to.deep.equal(['firing']);
    evaluator.setRules([]);
    expect(summary(evaluator.evaluate(T0 + 1))).to.deep.equal([['Hot', 'firing', 'resolved', 5, null]]);
  });

  it('refuses malformed samples with TRIB_ALERT_SAMPLE_INVALID, and limits the number of series', () => {
    const evaluator = new AlertEvaluator(LAG, { maxSeries: 1 });
    const error = attempt(() => evaluator.observe({ metric: 'lag', labels: { a: 1 as unknown as string }, value: Number('x'), time: Number.NaN }));
    expect(error.code).to.equal('TRIB_ALERT_SAMPLE_INVALID');
    expect(error.message).to.match(/labels must map names to strings; time must be epoch milliseconds/);
    expect(evaluator.observe({ metric: 'lag', labels: { service: 'a' }, value: 1, time: T0 })).to.equal(true);
    expect(evaluator.observe({ metric: 'lag', labels: { service: 'b' }, value: 1, time: T0 })).to.equal(false);
    expect(evaluator.stats).to.deep.include({ series: 1, refusedSeries: 1 });
    expect(attempt(() => new AlertEvaluator([], { staleness: 'soon' })).code).to.equal('TRIB_ALERT_OPTIONS_INVALID');
  });

  describe('the metrics the rules read', () => {
    const READING = rules(`      - { name: Hot, kind: threshold, series: { metric: temp }, threshold: { op: '>', value: 1 } }
      - { name: Fast, kind: rate_of_change, series: { metric: queue }, rate_of_change: { window: 5m, op: '>', value: 1 } }
      - { name: Faster, kind: rate_of_change, series: { metric: queue, matchers: ['a="1"'] }, rate_of_change: { window: 10m, op: '>', value: 1 } }
      - { name: Deep, kind: threshold, series: { metric: queue }, threshold: { op: '>', value: 9 } }
      - { name: Down, kind: absent, series: { metric: heartbeat, matchers: ['env="prod"'] }, absent: { window: 1m } }
      - { name: Odd, kind: anomaly, series: { metric: latency }, anomaly: { min_score: 3 } }
      - { name: OddRate, kind: anomaly, series: { metric: rate }, anomaly: { min_score: 3 } }
      - { name: HighRate, kind: threshold, series: { metric: rate }, threshold: { op: '>', value: 1 } }
`);
    const METRICS = ['temp', 'queue', 'heartbeat', 'latency', 'rate', 'other'];

    it('indexes samples by metric with the longest rate window (absent rules read samples too), and anomaly rules as signals only', () => {
      const reads = ruleMetrics(READING);
      expect([...reads.sampleWindows].sort()).to.deep.equal([
        ['heartbeat', 0],
        ['queue', 10 * MINUTE],
        ['rate', 0],
        ['temp', 0],
      ]);
      expect([...reads.signalMetrics].sort()).to.deep.equal(['latency', 'rate']);
      expect(ruleMetrics([])).to.deep.equal({ sampleWindows: new Map(), signalMetrics: new Set() });
    });

    it('answers readsSamples and readsSignals exactly as observe and observeAnomaly would, and follows setRules', () => {
      const evaluator = new AlertEvaluator(READING);
      const sample = (metric: string) => ({ metric, labels: { env: 'prod', service: 'cpm' }, value: 1, time: T0 });
      const verdicts = () =>
        METRICS.map((m) => [m, evaluator.readsSamples(m), evaluator.readsSignals(m)]);
      const observed = () =>
        METRICS.map((m) => [m, evaluator.observe(sample(m)), evaluator.observeAnomaly({ ...sample(m), score: 1 })]);
      const expected = [
        ['temp', true, false],
        ['queue', true, false],
        ['heartbeat', true, false],
        ['latency', false, true],
        ['rate', true, true],
        ['other', false, false],
      ];
      expect(verdicts()).to.deep.equal(expected);
      expect(observed()).to.deep.equal(expected);
      evaluator.setRules([]);
      expect(verdicts().every(([, s, a]) => !s && !a)).to.equal(true);
      expect(observed().every(([, s, a]) => !s && !a)).to.equal(true);
      evaluator.setRules(rules(`      - { name: Odd, kind: anomaly, series: { metric: other }, anomaly: { min_score: 3 } }\n`));
      expect(verdicts().filter(([, s, a]) => s || a)).to.deep.equal([['other', false, true]]);
    });

    it('still refuses a malformed sample of a metric no rule reads', () => {
      const evaluator = new AlertEvaluator(READING);
      expect(evaluator.readsSamples('other')).to.equal(false);
      expect(attempt(() => evaluator.observe({ metric: 'other', labels: { a: 1 as unknown as string }, value: 1, time: T0 })).code).to.equal('TRIB_ALERT_SAMPLE_INVALID');
    });
  });
});
