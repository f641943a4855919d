import { outputSchema } from '@tributary/pipelines';
import { pipelineRuleSet } from '@tributary/quality-rules';
import type { QuarantinedRecord } from '@tributary/schemas';
import { expect } from 'chai';
import { conform, type Judge, rejudge } from '../src/redrive/judge.js';
import { RedriveLedgerState } from '../src/redrive/ledger-state.js';
import { RedriveEventNames } from '../src/redrive/names.js';
import { boundRange, closeRange } from '../src/redrive/plan.js';
import { cleanOrder, ordersDefinition, qualityRules } from './fixtures.js';

const DAY = 86_400_000;

function judgeOf(rules: Record<string, unknown> = qualityRules): Judge {
  const definition = ordersDefinition('orders', rules);
  return { rules: pipelineRuleSet(definition), fields: outputSchema(definition) };
}

function quarantined(record: Record<string, unknown>, quarantinedAt: number, failures: QuarantinedRecord['failures'] = []): QuarantinedRecord {
  return {
    pipelineId: 'orders',
    runId: 'run-1',
    recordId: 'r1',
    pipelineVersion: 1,
    sourceTopic: 't.data.orders.processed',
    sourcePartition: 0,
    sourceOffset: 7,
    record: JSON.stringify(record),
    failures,
    quarantinedAt,
  };
}

const relaxedRange = { ...qualityRules, rules: qualityRules.rules.map((r) => (r.id === 'amount-range' ? { ...r, min: -100 } : r)) };

describe('redrive: judging a quarantined record again', () => {
  it('passes a record the new rules accept, in the current Output shape', () => {
    const at = Date.now() - DAY;
    const judge = judgeOf(relaxedRange);
    const verdict = rejudge(quarantined({ ...cleanOrder(1, at), amount: -5, discount: null }, at), judge, judge.rules!.createEvaluator());
    expect(verdict.kind).to.equal('validated');
    if (verdict.kind === 'validated') {
      expect(verdict.record.amount).to.equal(-5);
      expect(Object.keys(verdict.record)).to.deep.equal(judge.fields.map((f) => f.name));
      expect(verdict.warnings).to.deep.equal([]);
    }
  });

  it('keeps a record that still fails, with the new failures', () => {
    const at = Date.now();
    const judge = judgeOf(relaxedRange);
    const verdict = rejudge(quarantined({ ...cleanOrder(1, at), status: 'lost' }, at), judge, judge.rules!.createEvaluator());
    expect(verdict.kind).to.equal('quarantined');
    if (verdict.kind === 'quarantined') expect(verdict.failures.map((f) => f.ruleId)).to.deep.equal(['status-known']);
  });

  it('judges freshness at the time the record was quarantined, not now', () => {
    // Fresh (10 min old, maxAge 1h) when quarantined a day ago; a day stale now.
    const at = Date.now() - DAY;
    const judge = judgeOf(relaxedRange);
    const record = { ...cleanOrder(1, at), amount: -5, discount: null, ts: at - 600_000 };
    expect(rejudge(quarantined(record, at), judge, judge.rules!.createEvaluator()).kind).to.equal('validated');
    expect(rejudge(quarantined(record, Date.now()), judge, judge.rules!.createEvaluator()).kind).to.equal('quarantined');
  });

  it('carries a unique failure over while the rule is still an error, and not once it is gone', () => {
    const at = Date.now();
    const failure = { ruleId: 'order-unique', ruleType: 'unique', severity: 'error' as const, field: 'id', value: '"o1"', message: 'duplicate' };
    const q = quarantined(cleanOrder(1, at), at, [failure]);
    const withRule = judgeOf();
    const kept = rejudge(q, withRule, withRule.rules!.createEvaluator());
    expect(kept.kind).to.equal('quarantined');
    if (kept.kind === 'quarantined') expect(kept.failures).to.deep.equal([failure]);
    const without = judgeOf({ ...qualityRules, rules: qualityRules.rules.filter((r) => r.id !== 'order-unique') });
    expect(rejudge(q, without, without.rules!.createEvaluator()).kind).to.equal('validated');
  });

  it('flags warn rules and lets the record through', () => {
    const at = Date.now();
    const judge = judgeOf();
    const verdict = rejudge(quarantined({ ...cleanOrder(1, at), email: 'nope' }, at), judge, judge.rules!.createEvaluator());
    expect(verdict).to.deep.include({ kind: 'validated', warnings: ['email-format'] });
  });

  it('passes everything when the definition has no rules', () => {
    const definition = ordersDefinition('orders');
    const { quality: _none, ...plain } = definition;
    const judge: Judge = { rules: pipelineRuleSet(plain), fields: outputSchema(plain) };
    expect(rejudge(quarantined({ ...cleanOrder(1, 0), status: 'lost' }, 0), judge, undefined).kind).to.equal('validated');
  });

  it('keeps a record that does not fit the current Output type, naming the field', () => {
    const fields = [
      { name: 'id', type: 'string' as const },
      { name: 'amount', type: 'double' as const, nullable: true },
      { name: 'added', type: 'int' as const, default: 3 },
    ];
    expect(conform({ id: 'a', amount: 1, gone: true }, fields)).to.deep.equal({ record: { id: 'a', amount: 1, added: 3 }, problems: [] });
    const { problems } = conform({ amount: 'x' }, fields);
    expect(problems.map((p) => [p.ruleId, p.field])).to.deep.equal([
      ['output-schema', 'id'],
      ['output-schema', 'amount'],
    ]);
    const judge: Judge = { rules: undefined, fields };
    const verdict = rejudge(quarantined({ id: null }, 0), judge, undefined);
    expect(verdict.kind).to.equal('quarantined');
    expect(rejudge({ ...quarantined({}, 0), record: 'not json' }, judge, undefined).kind).to.equal('quarantined');
  });
});

describe('redrive: ledger of redrives', () => {
  const started = (redriveId: string, ranges: { partition: number; startOffset: number; endOffset: number }[]) => ({
    pipelineId: 'p',
    redriveId,
    pipelineVersion: 2,
    fromTime: null,
    untilTime: null,
    ranges,
    requestedBy: 'op',
    startedAt: 1,
  });

  it('sums progress, completes once and remembers where each partition ended', () => {
    const state = new RedriveLedgerState();
    expect(state.apply(RedriveEventNames.started, started('r1', [{ partition: 0, startOffset: 0, endOffset: 10 }, { partition: 1, startOffset: 0, endOffset: 0 }]))).to.equal(true);
    const progress = { pipelineId: 'p', redriveId: 'r1', partition: 0, firstOffset: 0, lastOffset: 4, validated: 2, requarantined: 3, progressedAt: 2 };
    state.apply(RedriveEventNames.progressed, progress);
    state.apply(RedriveEventNames.progressed, { ...progress, firstOffset: 5, lastOffset: 9, validated: 1, requarantined: 0 });
    expect(state.get('p', 'r1')).to.include({ validated: 3, requarantined: 3, completedAt: undefined });
    expect(state.active().map((r) => r.redriveId)).to.deep.equal(['r1']);
    const completed = { pipelineId: 'p', redriveId: 'r1', validated: 3, requarantined: 3, completedAt: 9 };
    expect(state.apply(RedriveEventNames.completed, completed)).to.equal(true);
    expect(state.apply(RedriveEventNames.completed, { ...completed, completedAt: 10 })).to.equal(false);
    expect(state.get('p', 'r1')?.completedAt).to.equal(9);
    expect(state.active()).to.deep.equal([]);
    expect([...state.endOffsets('p')]).to.deep.equal([
      [0, 10],
      [1, 0],
    ]);
  });

  it('ignores a second Started of a redrive id, and never lets two redrives overlap', () => {
    const state = new RedriveLedgerState();
    state.apply(RedriveEventNames.started, started('r1', [{ partition: 0, startOffset: 0, endOffset: 10 }]));
    expect(state.apply(RedriveEventNames.started, started('r1', [{ partition: 0, startOffset: 0, endOffset: 20 }]))).to.equal(false);
    // Planned concurrently from the same point (two instances): raised to where r1 ended.
    state.apply(RedriveEventNames.started, started('r2', [{ partition: 0, startOffset: 0, endOffset: 15 }]));
    state.apply(RedriveEventNames.started, started('r3', [{ partition: 0, startOffset: 3, endOffset: 8 }]));
    expect(state.get('p', 'r2')?.ranges).to.deep.equal([{ partition: 0, startOffset: 10, endOffset: 15 }]);
    expect(state.get('p', 'r3')?.ranges).to.deep.equal([{ partition: 0, startOffset: 15, endOffset: 15 }]);
    expect(state.endOffsets('p').get(0)).to.equal(15);
  });
});

describe('redrive: planning a range', () => {
  it('starts at the latest of fromTime, the previous end and the log start, and ends at untilTime or the end', () => {
    expect(boundRange({ partition: 0, low: 0, high: 100 })).to.deep.equal({ partition: 0, from: 0, to: 100 });
    expect(boundRange({ partition: 0, low: 5, high: 100, fromOffset: 2, previousEnd: 3 })).to.deep.equal({ partition: 0, from: 5, to: 100 });
    expect(boundRange({ partition: 0, low: 0, high: 100, fromOffset: 20, previousEnd: 30, untilOffset: 50 })).to.deep.equal({ partition: 0, from: 30, to: 50 });
    // A previous redrive that ended after untilTime: nothing left.
    expect(boundRange({ partition: 0, low: 0, high: 100, previousEnd: 60, untilOffset: 50 })).to.deep.equal({ partition: 0, from: 60, to: 60 });
  });

  it('ends a range right after its last record (not at the commit markers after it)', () => {
    expect(closeRange({ partition: 1, from: 10 }, 41)).to.deep.equal({ partition: 1, startOffset: 10, endOffset: 42 });
    expect(closeRange({ partition: 1, from: 10 }, undefined)).to.deep.equal({ partition: 1, startOffset: 10, endOffset: 10 });
  });
});
