import { expect } from 'chai';
import { HOUR, MINUTE, NOW, one, order } from './support/fixtures.js';
import type { CompareOp } from '../src/index.js';

const ctx = { now: NOW };

describe('per-record rules', () => {
  it('not_null: fails on null and on a missing field, reporting null', () => {
    const rules = one({ type: 'not_null', field: 'amount' });
    expect(rules.evaluate(order(), ctx).failures).to.deep.equal([]);
    const expected = [{ ruleId: 'r', ruleType: 'not_null', severity: 'error', field: 'amount', value: null, message: 'amount is required' }];
    expect(rules.evaluate(order({ amount: null }), ctx)).to.deep.equal({ failures: expected, quarantine: true });
    const { amount: _, ...missing } = order();
    expect(rules.evaluate(missing, ctx).failures).to.deep.equal(expected);
    // Zero, false and the empty string are values, not nulls.
    expect(rules.evaluate(order({ amount: 0 }), ctx).failures).to.deep.equal([]);
  });

  it('in_range: inclusive and exclusive bounds, one-sided ranges, NaN fails', () => {
    const inclusive = one({ type: 'in_range', field: 'amount', min: 0, max: 10_000 });
    for (const ok of [0, 10_000, 5.5]) expect(inclusive.evaluate(order({ amount: ok }), ctx).failures, `${ok}`).to.deep.equal([]);
    expect(inclusive.evaluate(order({ amount: 10_000.01 }), ctx).failures).to.deep.equal([
      { ruleId: 'r', ruleType: 'in_range', severity: 'error', field: 'amount', value: 10_000.01, message: 'amount must be between 0 and 10000' },
    ]);
    expect(inclusive.evaluate(order({ amount: Number.NaN }), ctx).failures).to.have.length(1);

    const exclusive = one({ type: 'in_range', field: 'amount', min: 0, max: 100, exclusiveMin: true, exclusiveMax: true });
    expect(exclusive.evaluate(order({ amount: 0 }), ctx).failures[0]?.message).to.equal('amount must be greater than 0 and less than 100');
    expect(exclusive.evaluate(order({ amount: 100 }), ctx).failures).to.have.length(1);
    expect(exclusive.evaluate(order({ amount: 99.9 }), ctx).failures).to.deep.equal([]);

    const atLeast = one({ type: 'in_range', field: 'quantity', min: 1 });
    expect(atLeast.evaluate(order({ quantity: 0 }), ctx).failures[0]?.message).to.equal('quantity must be at least 1');
    expect(atLeast.evaluate(order({ quantity: 1_000_000 }), ctx).failures).to.deep.equal([]);
    expect(one({ type: 'in_range', field: 'quantity', max: 5 }).rules[0]?.message).to.equal('quantity must be at most 5');
  });

  it('in_set: exact, type-strict membership', () => {
    const rules = one({ type: 'in_set', field: 'status', values: ['new', 'paid', 'shipped'] });
    expect(rules.evaluate(order({ status: 'shipped' }), ctx).failures).to.deep.equal([]);
    expect(rules.evaluate(order({ status: 'PAID' }), ctx).failures).to.deep.equal([
      { ruleId: 'r', ruleType: 'in_set', severity: 'error', field: 'status', value: 'PAID', message: 'status must be one of new, paid, shipped' },
    ]);
    const numbers = one({ type: 'in_set', field: 'quantity', values: [1, 2, 3] });
    expect(numbers.evaluate(order({ quantity: 2 }), ctx).failures).to.deep.equal([]);
    expect(numbers.evaluate(order({ quantity: '2' }), ctx).failures[0]?.value).to.equal('2');
  });

  it('in_set: a long list is shortened in the generated message', () => {
    const values = Array.from({ length: 15 }, (_, i) => `s${i}`);
    expect(one({ type: 'in_set', field: 'status', values }).rules[0]?.message).to.equal(
      'status must be one of s0, s1, s2, s3, s4, s5, s6, s7, s8, s9 and 5 more',
    );
  });

  it('regex: searches the value; anchors match the whole value', () => {
    const anywhere = one({ type: 'regex', field: 'sku', pattern: '[0-9]{3}' });
    expect(anywhere.evaluate(order({ sku: 'SKU-123-X' }), ctx).failures).to.deep.equal([]);
    const whole = one({ type: 'regex', field: 'email', pattern: '^[^@]+@[^@]+$', severity: 'warn' });
    expect(whole.evaluate(order({ email: 'a@b@c' }), ctx)).to.deep.equal({
      failures: [{ ruleId: 'r', ruleType: 'regex', severity: 'warn', field: 'email', value: 'a@b@c', message: 'email must match ^[^@]+@[^@]+$' }],
      quarantine: false,
    });
    expect(whole.evaluate(order({ email: 'ann@example.com' }), ctx).failures).to.deep.equal([]);
  });

  it('length: counts characters (code points), not UTF-16 units', () => {
    const rules = one({ type: 'length', field: 'sku', min: 3, max: 4 });
    for (const ok of ['abc', 'abcd', '😀😀😀', 'é😀é😀']) expect(rules.evaluate(order({ sku: ok }), ctx).failures, ok).to.deep.equal([]);
    for (const bad of ['ab', 'abcde', '😀😀', '😀😀😀😀😀']) expect(rules.evaluate(order({ sku: bad }), ctx).failures, bad).to.have.length(1);
    expect(rules.evaluate(order({ sku: 'ab' }), ctx).failures[0]).to.deep.equal({
      ruleId: 'r',
      ruleType: 'length',
      severity: 'error',
      field: 'sku',
      value: 'ab',
      message: 'sku must be 3 to 4 characters long',
    });
    expect(one({ type: 'length', field: 'sku', min: 5, max: 5 }).rules[0]?.message).to.equal('sku must be exactly 5 characters long');
    expect(one({ type: 'length', field: 'sku', max: 1 }).rules[0]?.message).to.equal('sku must be at most 1 character long');
  });

  it('type: the runtime kind of the value, with the pipelines field-type rules', () => {
    const integral = one({ type: 'type', field: 'amount', expected: 'int' });
    expect(integral.evaluate(order({ amount: 12 }), ctx).failures).to.deep.equal([]);
    expect(integral.evaluate(order({ amount: 12.5 }), ctx).failures).to.deep.equal([
      { ruleId: 'r', ruleType: 'type', severity: 'error', field: 'amount', value: 12.5, message: 'amount must be an int' },
    ]);
    expect(integral.evaluate(order({ amount: 2 ** 31 }), ctx).failures).to.have.length(1); // not 32-bit
    const double = one({ type: 'type', field: 'amount', expected: 'double' });
    expect(double.evaluate(order({ amount: Number.POSITIVE_INFINITY }), ctx).failures).to.have.length(1);
    expect(double.evaluate(order({ amount: '12.5' }), ctx).failures).to.have.length(1);
    const timestamp = one({ type: 'type', field: 'createdAt', expected: 'timestamp' });
    expect(timestamp.evaluate(order({ createdAt: NOW + 0.5 }), ctx).failures).to.have.length(1);
    expect(timestamp.evaluate(order(), ctx).failures).to.deep.equal([]);
  });

  it('compare: every operator, skipped when either side is null, value names both fields', () => {
    const cases: [CompareOp, number, number, boolean][] = [
      ['<', 1, 2, true],
      ['<', 2, 2, false],
      ['<=', 2, 2, true],
      ['>', 3, 2, true],
      ['>=', 1, 2, false],
      ['==', 2, 2, true],
      ['!=', 2, 2, false],
    ];
    for (const [op, createdAt, shippedAt, passes] of cases) {
      const rules = one({ type: 'compare', left: 'createdAt', op, right: 'shippedAt' });
      expect(rules.evaluate(order({ createdAt, shippedAt }), ctx).failures.length, `${createdAt} ${op} ${shippedAt}`).to.equal(passes ? 0 : 1);
    }
    const rules = one({ type: 'compare', left: 'createdAt', op: '<=', right: 'shippedAt' });
    expect(rules.evaluate(order({ createdAt: 5, shippedAt: 4 }), ctx).failures).to.deep.equal([
      {
        ruleId: 'r',
        ruleType: 'compare',
        severity: 'error',
        field: 'createdAt',
        value: { createdAt: 5, shippedAt: 4 },
        message: 'createdAt must be <= shippedAt',
      },
    ]);
    expect(rules.evaluate(order({ shippedAt: null }), ctx).failures).to.deep.equal([]);
    const strings = one({ type: 'compare', left: 'status', op: '!=', right: 'sku' });
    expect(strings.evaluate(order({ status: 'x', sku: 'x' }), ctx).failures).to.have.length(1);
  });

  it('expression: CEL, true passes, false fails with the fields it read', () => {
    const rules = one({ type: 'expression', expr: 'discount <= amount * 0.5' });
    expect(rules.evaluate(order({ discount: 60, amount: 120 }), ctx).failures).to.deep.equal([]);
    expect(rules.evaluate(order({ discount: 61, amount: 120 }), ctx).failures).to.deep.equal([
      {
        ruleId: 'r',
        ruleType: 'expression',
        severity: 'error',
        value: { discount: 61, amount: 120 },
        message: 'expression must be true: discount <= amount * 0.5',
      },
    ]);
    const strings = one({ type: 'expression', expr: 'status == "paid" || !paid' });
    expect(strings.evaluate(order({ status: 'new', paid: true }), ctx).failures).to.have.length(1);
    expect(strings.evaluate(order({ status: 'new', paid: false }), ctx).failures).to.deep.equal([]);
    const functions = one({ type: 'expression', expr: 'sku.startsWith("SKU-") && size(sku) <= 12' });
    expect(functions.rules[0]?.engine).to.equal('cel');
    expect(functions.evaluate(order({ sku: 'SKU-1' }), ctx).failures).to.deep.equal([]);
    expect(functions.evaluate(order({ sku: 'X-1' }), ctx).failures).to.have.length(1);
  });

  it('expression: skips records where a field it reads is null, unless it tests for null', () => {
    const skipping = one({ type: 'expression', expr: 'discount <= amount * 0.5' });
    expect(skipping.evaluate(order({ discount: null }), ctx).failures).to.deep.equal([]);
    expect(skipping.evaluate({}, ctx).failures).to.deep.equal([]);
    const aboutNulls = one({ type: 'expression', expr: 'shippedAt != null || status != "shipped"' });
    expect(aboutNulls.evaluate(order({ shippedAt: null, status: 'shipped' }), ctx).failures).to.have.length(1);
    expect(aboutNulls.evaluate(order({ shippedAt: null, status: 'paid' }), ctx).failures).to.deep.equal([]);
    // nulls: evaluate hands the null to CEL, where `null <= …` has no overload: an evaluation error.
    const evaluating = one({ type: 'expression', expr: 'discount <= amount * 0.5', nulls: 'evaluate' });
    const [failure] = evaluating.evaluate(order({ discount: null }), ctx).failures;
    expect(failure?.severity).to.equal('error');
    expect(failure?.message).to.match(/^evaluation error: no such overload/);
  });

  it('reference: membership in a named lookup', () => {
    const rules = one({ type: 'reference', field: 'country', lookup: 'countries' }, { countries: ['FR', 'DE', 'US'] });
    expect(rules.evaluate(order({ country: 'FR' }), ctx).failures).to.deep.equal([]);
    expect(rules.evaluate(order({ country: 'fr' }), ctx).failures).to.deep.equal([
      { ruleId: 'r', ruleType: 'reference', severity: 'error', field: 'country', value: 'fr', message: 'country must be a value of lookup countries' },
    ]);
  });

  it('freshness: at most maxAge old and maxFuture ahead of ctx.now (default 5m)', () => {
    const rules = one({ type: 'freshness', field: 'eventTime', maxAge: '1h' });
    expect(rules.rules[0]?.message).to.equal('eventTime must be at most 1h old and at most 5m in the future');
    for (const ok of [NOW, NOW - HOUR, NOW + 5 * MINUTE]) expect(rules.evaluate(order({ eventTime: ok }), ctx).failures, `${ok - NOW}`).to.deep.equal([]);
    expect(rules.evaluate(order({ eventTime: NOW - HOUR - 1 }), ctx).failures).to.deep.equal([
      {
        ruleId: 'r',
        ruleType: 'freshness',
        severity: 'error',
        field: 'eventTime',
        value: NOW - HOUR - 1,
        message: 'eventTime must be at most 1h old and at most 5m in the future',
      },
    ]);
    expect(rules.evaluate(order({ eventTime: NOW + 5 * MINUTE + 1 }), ctx).failures).to.have.length(1);
    // Seconds instead of milliseconds land in 1970: stale. Microseconds land far in the future.
    expect(rules.evaluate(order({ eventTime: Math.floor(NOW / 1000) }), ctx).failures).to.have.length(1);
    expect(rules.evaluate(order({ eventTime: NOW * 1000 }), ctx).failures).to.have.length(1);
    const strict = one({ type: 'freshness', field: 'eventTime', maxAge: '10m', maxFuture: '0ms' });
    expect(strict.rules[0]?.message).to.equal('eventTime must be at most 10m old and not in the future');
    expect(strict.evaluate(order({ eventTime: NOW + 1 }), ctx).failures).to.have.length(1);
  });

  it('applies the default severity error and reports rules in declaration order', () => {
    const rules = one({ type: 'not_null', field: 'amount' });
    expect(rules.rules).to.deep.equal([{ id: 'r', type: 'not_null', severity: 'error', message: 'amount is required', fields: ['amount'] }]);
  });

  it('uses the rule message when given', () => {
    const rules = one({ type: 'in_range', field: 'amount', max: 10, message: 'too expensive' });
    expect(rules.evaluate(order({ amount: 11 }), ctx).failures[0]?.message).to.equal('too expensive');
  });
});
