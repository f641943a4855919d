import { expect } from 'chai';
import {
  type IssueTransition,
  QualityIssueDetector,
  QualityMetricsError,
  type QualityWindowMetrics,
  QualityWindowReducer,
  evaluateExpectations,
  parseWindowExpectations,
} from '../src/index.js';
import { MINUTE, T0, generateOrders, rng, syntheticWindow, transactionDeltas } from './support/fixtures.js';

const summary = (transitions: readonly IssueTransition[]) =>
  transitions.map((t) => [t.kind, t.issue.signal, (t.issue.openedWindowStart - T0) / MINUTE, t.issue.reason]);

function observeAll(detector: QualityIssueDetector, windows: readonly QualityWindowMetrics[]): IssueTransition[] {
  return windows.flatMap((w) => detector.observe(w));
}

/** 20 good windows (score 95, rule at 1%), 5 bad ones (score 60, rule at 30%), 10 good ones. */
function dropAndRecovery(): QualityWindowMetrics[] {
  return Array.from({ length: 35 }, (_, index) => {
    const bad = index >= 20 && index < 25;
    return syntheticWindow({ index, score: bad ? 60 : 95, rules: [{ ruleId: 'price-positive', records: bad ? 30 : 1, field: 'price' }] });
  });
}

describe('QualityIssueDetector', () => {
  it('opens one issue per signal for a drop lasting several windows, and resolves it on recovery', () => {
    const transitions = observeAll(new QualityIssueDetector(), dropAndRecovery());
    expect(summary(transitions)).to.deep.equal([
      ['opened', 'score', 20, 'threshold'],
      ['opened', 'rule:price-positive', 20, 'threshold'],
      ['resolved', 'score', 20, 'threshold'],
      ['resolved', 'rule:price-positive', 20, 'threshold'],
    ]);
    const opened = transitions[1]?.issue;
    expect(opened?.id).to.equal(`orders:rule:price-positive:${T0 + 20 * MINUTE}`);
    expect(opened?.severity).to.equal('error');
    expect(opened?.summary).to.equal('failure rate of rule price-positive 30% is above the maximum 5%');
    expect(opened?.evidence).to.deep.include({ metric: 'failureRate', observedValue: 0.3, threshold: { max: 0.05 } });
    expect(opened?.evidence.samples).to.deep.equal([{ ruleId: 'price-positive', recordId: 'k20' }]);
    const resolved = transitions[3]?.issue;
    expect(resolved).to.deep.include({ status: 'resolved', badWindows: 5, resolvedWindowStart: T0 + 25 * MINUTE, resolvedObservedValue: 0.01 });
  });

  it('opens an anomaly issue on a sharp drop above the threshold, judged against the recent baseline', () => {
    const scores = [96.8, 97.2, 96.8, 97.2, 96.8, 97.2, 96.8, 97.2, 88, 87, 97];
    const transitions = observeAll(new QualityIssueDetector(), scores.map((score, index) => syntheticWindow({ index, score })));
    expect(summary(transitions)).to.deep.equal([
      ['opened', 'score', 8, 'anomaly'],
      ['resolved', 'score', 8, 'anomaly'],
    ]);
    const issue = transitions[0]?.issue;
    expect(issue?.evidence.baseline).to.deep.include({ windows: 8 });
    expect(issue?.evidence.baseline?.mean).to.be.closeTo(97, 1e-9);
    expect(issue?.summary).to.equal('quality score dropped to 88 from a baseline of 97 (±0.2 over 8 windows)');
    expect(transitions[1]?.issue.worstValue).to.equal(87);
  });

  it('does not call a single anomalous window an issue, and keeps a pending anomaly across a snapshot', () => {
    const blip = [96.8, 97.2, 96.8, 97.2, 96.8, 97.2, 88, 97, 96.8];
    expect(observeAll(new QualityIssueDetector(), blip.map((score, index) => syntheticWindow({ index, score })))).to.deep.equal([]);

    const windows = [96.8, 97.2, 96.8, 97.2, 96.8, 97.2, 88, 86, 97].map((score, index) => syntheticWindow({ index, score }));
    const live = new QualityIssueDetector();
    observeAll(live, windows.slice(0, 7));
    const restored = QualityIssueDetector.restore(JSON.parse(JSON.stringify(live.snapshot())));
    const transitions = observeAll(restored, windows.slice(7));
    expect(summary(transitions)).to.deep.equal([
      ['opened', 'score', 6, 'anomaly'],
      ['resolved', 'score', 6, 'anomaly'],
    ]);
    expect(transitions[0]?.issue).to.deep.include({ badWindows: 2, worstValue: 86, lastBadWindowEnd: T0 + 8 * MINUTE });
  });

  it('retires an issue a person resolved: no transition, and a signal still failing opens a new issue', () => {
    const windows = dropAndRecovery();
    const detector = new QualityIssueDetector();
    const opened = observeAll(detector, windows.slice(0, 21));
    const scoreIssue = opened.find((t) => t.issue.signal === 'score')!.issue;
    expect(detector.retire('orders', scoreIssue.id)).to.equal(true);
    expect(detector.retire('orders', scoreIssue.id), 'already retired').to.equal(false);
    expect(detector.retire('orders', 'orders:score:0'), 'unknown').to.equal(false);
    expect(detector.openIssues('orders').map((i) => i.signal)).to.deep.equal(['rule:price-positive']);
    // Window 21 is still bad: the score opens a new issue there; the rule's issue carries on.
    const after = observeAll(detector, windows.slice(21));
    expect(summary(after)).to.deep.equal([
      ['opened', 'score', 21, 'threshold'],
      ['resolved', 'score', 21, 'threshold'],
      ['resolved', 'rule:price-positive', 20, 'threshold'],
    ]);
    // Retired state survives a snapshot.
    const again = new QualityIssueDetector();
    observeAll(again, windows.slice(0, 21));
    again.retire('orders', scoreIssue.id);
    expect(QualityIssueDetector.restore(again.snapshot()).openIssues('orders').map((i) => i.signal)).to.deep.equal(['rule:price-positive']);
  });

  it('opens nothing on a steady noisy series', () => {
    const random = rng(42);
    const windows = Array.from({ length: 300 }, (_, index) =>
      syntheticWindow({
        index,
        score: 92 + (random() - 0.5) * 5,
        rules: [{ ruleId: 'country-known', records: Math.floor(random() * 4) }],
      }),
    );
    expect(observeAll(new QualityIssueDetector(), windows)).to.deep.equal([]);
  });

  it('needs recoveryWindows good windows in a row to resolve', () => {
    const scores = [95, 50, 95, 95, 50, 95, 95, 95];
    const detector = new QualityIssueDetector({ recoveryWindows: 3 });
    const transitions = scores.map((score, index) => detector.observe(syntheticWindow({ index, score })));
    expect(transitions.map((t) => t.map((x) => x.kind))).to.deep.equal([[], ['opened'], [], [], [], [], [], ['resolved']]);
    expect(transitions[7]?.[0]?.issue.badWindows).to.equal(2);
  });

  it('turns failed expectations into issues with their bounds as evidence', () => {
    const expectations = parseWindowExpectations([{ id: 'enough-orders', type: 'volume', window: '1m', min: 50 }]);
    const detector = new QualityIssueDetector();
    const transitions = [100, 100, 0, 0, 100].flatMap((records, index) => {
      const w = syntheticWindow({ index, score: records === 0 ? null : 95, records });
      return detector.observe(w, evaluateExpectations(w, expectations));
    });
    expect(summary(transitions)).to.deep.equal([
      ['opened', 'expectation:enough-orders', 2, 'threshold'],
      ['resolved', 'expectation:enough-orders', 2, 'threshold'],
    ]);
    expect(transitions[0]?.issue).to.deep.include({ severity: 'error', expectationId: 'enough-orders', summary: 'volume of expectation enough-orders 0 is below the minimum 50' });
    expect(transitions[0]?.issue.evidence).to.deep.include({ metric: 'volume', observedValue: 0, threshold: { min: 50 } });
  });

  it('continues from a snapshot exactly as the detector it was taken from', () => {
    const windows = dropAndRecovery();
    const live = new QualityIssueDetector();
    observeAll(live, windows.slice(0, 22));
    const stored = JSON.parse(JSON.stringify(live.snapshot())) as unknown;
    const restored = QualityIssueDetector.restore(stored);
    expect(restored.openIssues()).to.deep.equal(live.openIssues());
    expect(restored.openIssues().map((i) => i.signal)).to.deep.equal(['rule:price-positive', 'score']);
    const rest = windows.slice(22);
    expect(observeAll(restored, rest)).to.deep.equal(observeAll(live, rest));
    expect(restored.snapshot()).to.deep.equal(live.snapshot());
  });

  it('rebuilds the same issues from the same windows, and ignores a window fed twice', () => {
    const windows = dropAndRecovery();
    const first = observeAll(new QualityIssueDetector(), windows);
    const replayed = new QualityIssueDetector();
    expect(observeAll(replayed, windows)).to.deep.equal(first);
    expect(observeAll(replayed, windows.slice(20, 26))).to.deep.equal([]);
  });

  it('refuses a snapshot it did not write', () => {
    let error: QualityMetricsError | undefined;
    try {
      QualityIssueDetector.restore({ version: 2, pipelines: [] });
    } catch (e) {
      error = e as QualityMetricsError;
    }
    expect(error?.code).to.equal('TRIB_QUALITY_SNAPSHOT_INVALID');
    expect(() => new QualityIssueDetector({ minBaselineWindows: 30 })).to.throw(QualityMetricsError, /minBaselineWindows/);
  });

  it('end to end: a burst of bad prices in generated orders opens one issue per signal and resolves them', () => {
    const segment = (index: number, priceFailRate: number) =>
      generateOrders({
        seed: 100 + index,
        count: 3000,
        minutes: 10,
        startTime: T0 + index * 10 * MINUTE,
        idPrefix: `s${index}-`,
        priceFailRate,
        emailWarnRate: 0.02,
        countryFailRate: 0.005,
        duplicateRate: 0.002,
        maxLagMs: 4 * MINUTE,
      });
    const arrivals = [...segment(0, 0.01), ...segment(1, 0.01), ...segment(2, 0.01), ...segment(3, 0.3), ...segment(4, 0.01), ...segment(5, 0.01)];
    const expectations = parseWindowExpectations([{ id: 'mostly-valid', type: 'validity', window: '1m', min: 0.9 }]);
    const reducer = new QualityWindowReducer({ pipelineId: 'orders' });
    const detector = new QualityIssueDetector();
    const windows = [...transactionDeltas(arrivals, { seed: 9 }).flatMap((d) => reducer.add(d.delta, d.now)), ...reducer.closeAll()];
    expect(windows).to.have.length(60);
    const transitions = windows.flatMap((w) => detector.observe(w, evaluateExpectations(w, expectations)));
    const opened = transitions.filter((t) => t.kind === 'opened').map((t) => t.issue.signal);
    const resolved = transitions.filter((t) => t.kind === 'resolved').map((t) => t.issue.signal);
    expect(opened).to.have.members(['expectation:mostly-valid', 'rule:price-positive', 'score']);
    expect(opened).to.have.length(3);
    expect(resolved).to.have.members(opened);
    expect(detector.openIssues()).to.deep.equal([]);
    for (const t of transitions.filter((x) => x.kind === 'opened')) {
      expect((t.issue.openedWindowStart - T0) / MINUTE).to.be.within(30, 31);
    }
    const rule = transitions.find((t) => t.issue.signal === 'rule:price-positive')?.issue;
    expect(rule?.evidence.samples).to.have.length(3);
    const priceless = new Set(arrivals.filter((a) => a.record['price'] === -1).map((a) => a.recordId));
    expect(rule?.evidence.samples.every((s) => s.ruleId === 'price-positive' && priceless.has(s.recordId))).to.equal(true);
  });
});
