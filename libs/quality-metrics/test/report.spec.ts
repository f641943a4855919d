import { expect } from 'chai';
import {
  type QualityIssue,
  type QualityReport,
  type QualityWindowMetrics,
  QualityWindowReducer,
  buildQualityReport,
  renderQualityReportMarkdown,
} from '../src/index.js';
import { MINUTE, SLA_MS, T0, generateOrders, syntheticWindow, transactionDeltas } from './support/fixtures.js';

const FROM = T0;
const TO = T0 + 5 * MINUTE;

function issue(id: string, overrides: Partial<QualityIssue>): QualityIssue {
  return {
    id,
    pipelineId: 'orders',
    signal: 'score',
    kind: 'score',
    reason: 'threshold',
    severity: 'warn',
    status: 'open',
    summary: 'quality score 60 is below the minimum 80',
    openedWindowStart: T0 + MINUTE,
    openedWindowEnd: T0 + 2 * MINUTE,
    evidence: { windowStart: T0 + MINUTE, windowEnd: T0 + 2 * MINUTE, metric: 'score', observedValue: 60, threshold: { min: 80 }, samples: [] },
    badWindows: 1,
    lastBadWindowEnd: T0 + 2 * MINUTE,
    worstValue: 60,
    ...overrides,
  };
}

const resolved = (at: number): Partial<QualityIssue> => ({
  status: 'resolved',
  resolvedWindowStart: at - MINUTE,
  resolvedWindowEnd: at,
  resolvedObservedValue: 95,
});

describe('quality report', () => {
  const arrivals = generateOrders({ seed: 5, count: 1000, minutes: 5 });
  const reducer = new QualityWindowReducer({ pipelineId: 'orders' });
  const inRange = [...transactionDeltas(arrivals, { seed: 5 }).flatMap((d) => reducer.add(d.delta, d.now)), ...reducer.closeAll()];
  const windows: QualityWindowMetrics[] = [
    ...inRange,
    syntheticWindow({ index: 5, score: 10, rules: [{ ruleId: 'out-of-range', records: 90 }] }), // after `to`
    syntheticWindow({ index: 1, score: 10, pipelineId: 'payments' }),
  ];
  const issues = [
    issue('orders:score:open', {}),
    issue('orders:rule:a:resolved-in-range', { signal: 'rule:a', kind: 'rule', ruleId: 'a', summary: 'a | b', ...resolved(T0 + 3 * MINUTE) }),
    issue('orders:rule:b:resolved-after', { signal: 'rule:b', kind: 'rule', ruleId: 'b', ...resolved(T0 + 9 * MINUTE) }),
    issue('orders:rule:c:opened-after', { openedWindowStart: TO + MINUTE }),
    issue('orders:rule:d:resolved-before', { openedWindowStart: T0 - 9 * MINUTE, ...resolved(T0 - 5 * MINUTE) }),
    issue('payments:score:open', { pipelineId: 'payments' }),
  ];
  const report = buildQualityReport({ pipelineId: 'orders', from: FROM, to: TO, windows, issues, topRules: 2 });

  it('summarises the windows of the pipeline in the range, counted independently', () => {
    const records = arrivals.length;
    const quarantined = arrivals.filter((a) => a.quarantined).length;
    const passed = arrivals.filter((a) => !a.quarantined && a.failures.length === 0).length;
    expect(report.summary).to.deep.include({ windows: 5, emptyWindows: 0, records, quarantined, passed, warned: records - passed - quarantined, late: 0 });
    expect(report.summary.validity).to.be.closeTo((records - quarantined) / records, 1e-12);
    const lags = arrivals.filter((a) => a.record['createdAt'] !== null).map((a) => a.now - (a.record['createdAt'] as number));
    expect(report.summary.freshness).to.be.closeTo(lags.filter((lag) => lag <= SLA_MS).length / lags.length, 1e-12);
    expect(report.summary.maxLagMs).to.equal(Math.max(...lags));
    const duplicates = arrivals.filter((a) => a.failures.some((f) => f.ruleId === 'id-unique')).length;
    expect(report.summary.uniqueness).to.be.closeTo((records - duplicates) / records, 1e-12);
    const weighted = inRange.reduce((sum, w) => sum + (w.score as number) * w.counts.records, 0) / records;
    expect(report.summary.score).to.be.closeTo(weighted, 0.006);
  });

  it('gives per-field completeness and validity over the range', () => {
    const email = report.fields.find((f) => f.field === 'email');
    const nonNull = arrivals.filter((a) => a.record['email'] !== null).length;
    expect(email).to.deep.include({ nonNull, failed: 0, validity: 1 });
    expect(email?.completeness).to.be.closeTo(nonNull / arrivals.length, 1e-12);
    const priceFailed = arrivals.filter((a) => a.failures.some((f) => f.field === 'price' && f.severity === 'error')).length;
    expect(report.fields.find((f) => f.field === 'price')).to.deep.include({ failed: priceFailed });
    expect(report.fields.map((f) => f.field)).to.deep.equal(['country', 'coupon', 'createdAt', 'email', 'id', 'price']);
  });

  it('lists the top failing rules by failing records', () => {
    const count = (ruleId: string) => arrivals.filter((a) => a.failures.some((f) => f.ruleId === ruleId)).length;
    const ids = ['email-format', 'price-positive', 'country-known', 'id-unique', 'fresh-orders'];
    const expected = ids.map((id) => [id, count(id)]).sort((a, b) => (b[1] as number) - (a[1] as number));
    expect(report.topFailingRules.map((r) => [r.ruleId, r.records])).to.deep.equal(expected.slice(0, 2));
    expect(report.topFailingRules[0]?.failureRate).to.be.closeTo((expected[0]?.[1] as number) / arrivals.length, 1e-12);
  });

  it('splits issues into open at `to` and resolved within the range', () => {
    expect(report.issues.open.map((i) => i.id)).to.deep.equal(['orders:rule:b:resolved-after', 'orders:score:open']);
    expect(report.issues.resolved.map((i) => i.id)).to.deep.equal(['orders:rule:a:resolved-in-range']);
  });

  it('renders Markdown tables, deterministically', () => {
    const markdown = renderQualityReportMarkdown(report);
    expect(markdown).to.equal(renderQualityReportMarkdown(JSON.parse(JSON.stringify(report)) as QualityReport));
    const lines = markdown.split('\n');
    expect(lines[0]).to.equal('# Data quality report: orders');
    expect(lines[2]).to.equal('2024-01-15T10:00:00.000Z to 2024-01-15T10:05:00.000Z: 5 windows (0 without records).');
    expect(lines).to.include(`| Records | ${arrivals.length} |`);
    expect(lines).to.include('| Field | Completeness | Validity | Non-null | Failed | Scored |');
    expect(lines.some((l) => l.startsWith('| email | ') && l.endsWith(' | 0 | yes |'))).to.equal(true);
    expect(lines.some((l) => l.startsWith(`| ${report.topFailingRules[0]?.ruleId} | `))).to.equal(true);
    expect(markdown).to.include('| orders:rule:a:resolved-in-range | warn | threshold | 2024-01-15T10:01:00.000Z | 2024-01-15T10:03:00.000Z | 1 | a \\| b |');
    expect(markdown).to.include('## Open issues');
    const empty = renderQualityReportMarkdown(buildQualityReport({ pipelineId: 'idle', from: FROM, to: TO, windows: [], issues: [] }));
    expect(empty).to.include('No fields seen.');
    expect(empty).to.include('No rule failed.');
    expect(empty).to.include('| Quality score | n/a |');
  });
});
