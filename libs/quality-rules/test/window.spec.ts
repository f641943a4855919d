import { expect } from 'chai';
import { NOW, issuesOf, order, ruleSet } from './support/fixtures.js';

describe('window expectations', () => {
  it('are compiled, typed and handed over, never evaluated per record', () => {
    const rules = ruleSet([
      { id: 'amount-present', type: 'not_null', field: 'amount', severity: 'warn' },
      { id: 'amount-range', type: 'in_range', field: 'amount', min: 0 },
      { id: 'sku-format', type: 'regex', field: 'sku', pattern: '^SKU-' },
      { id: 'volume', type: 'volume', window: '1m', min: 100, max: 5000 },
      { id: 'low-volume', type: 'volume', window: '1h', min: 1 },
      { id: 'amount-complete', type: 'completeness', field: 'amount', window: '5m', min: 0.99, severity: 'warn' },
      { id: 'valid', type: 'validity', window: '1m', min: 0.95 },
      { id: 'amount-valid', type: 'validity', window: '10m', min: 0.999, field: 'amount', message: 'amounts are broken' },
    ]);
    expect(rules.rules.map((r) => r.id)).to.deep.equal(['amount-present', 'amount-range', 'sku-format']);
    expect(rules.windowExpectations).to.deep.equal([
      { id: 'volume', type: 'volume', severity: 'error', window: '1m', windowMs: 60_000, min: 100, max: 5000, message: 'between 100 and 5000 records per 1m' },
      { id: 'low-volume', type: 'volume', severity: 'error', window: '1h', windowMs: 3_600_000, min: 1, message: 'at least 1 record per 1h' },
      {
        id: 'amount-complete',
        type: 'completeness',
        severity: 'warn',
        window: '5m',
        windowMs: 300_000,
        field: 'amount',
        min: 0.99,
        message: 'amount must be present in at least 99% of records per 5m',
      },
      {
        id: 'valid',
        type: 'validity',
        severity: 'error',
        window: '1m',
        windowMs: 60_000,
        min: 0.95,
        ruleIds: ['amount-present', 'amount-range', 'sku-format'],
        message: 'at least 95% of records per 1m must pass every rule',
      },
      {
        id: 'amount-valid',
        type: 'validity',
        severity: 'error',
        window: '10m',
        windowMs: 600_000,
        min: 0.999,
        field: 'amount',
        ruleIds: ['amount-present', 'amount-range'],
        message: 'amounts are broken',
      },
    ]);
    expect(Object.isFrozen(rules.windowExpectations[0])).to.equal(true);
    // A record that breaks nothing per record passes, whatever the window rules say.
    expect(rules.evaluate(order(), { now: NOW }).failures).to.deep.equal([]);
  });

  it('are checked like the other rules', () => {
    const lines = issuesOf([
      { id: 'amount-range', type: 'in_range', field: 'amount', min: 0 },
      { id: 'v1', type: 'volume', window: '1m' },
      { id: 'v2', type: 'volume', window: '1m', min: 10, max: 5 },
      { id: 'c1', type: 'completeness', field: 'nope', window: '1m', min: 0.9 },
      { id: 'c2', type: 'completeness', field: 'amount', window: '1m', min: 1.5 },
      { id: 'c3', type: 'completeness', field: 'amount', window: '0s', min: 0.5 },
      { id: 'd1', type: 'validity', window: '1m', min: 0.9, field: 'sku' },
      { id: 'd2', type: 'validity', window: '9d', min: 0.9 },
      { id: 'v1', type: 'validity', min: 0.9 },
    ]).map((i) => `${i.ruleId} (${i.field ?? '-'}) ${i.path}: ${i.message}`);
    expect(lines).to.deep.equal([
      'v1 (-) /rules/1: needs min, max or both',
      'c2 (amount) /rules/4/min: must be <= 1',
      'v1 (-) /rules/8/window: is required',
      'v1 (-) /rules/8/id: duplicate rule id "v1" (also rules[1])',
      'v2 (-) /rules/2/min: min (10) is greater than max (5)',
      'c1 (nope) /rules/3/field: unknown field "nope" (fields here: orderId, lineNo, status, amount, discount, quantity, email, sku, country, paid, createdAt, shippedAt, …)',
      'c3 (amount) /rules/5/window: must be longer than 0',
      'd1 (sku) /rules/6/field: no per-record rule reads sku',
      'd2 (-) /rules/7/window: must be at most 7d: state and clocks are bounded',
    ]);
  });

  it('refuses a validity expectation when there are no per-record rules', () => {
    const [issue] = issuesOf([{ id: 'valid', type: 'validity', window: '1m', min: 0.9 }]);
    expect(issue).to.deep.equal({ ruleId: 'valid', path: '/rules/0', message: 'there are no per-record rules to measure validity by' });
  });
});
