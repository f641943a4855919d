import { expect } from 'chai';
import { MINUTE, NOW, one, order, ruleSet } from './support/fixtures.js';

const ctx = { now: NOW };

describe('verdicts', () => {
  it('returns one shared, frozen verdict for records that pass', () => {
    const rules = ruleSet([
      { id: 'a', type: 'not_null', field: 'amount' },
      { id: 'b', type: 'in_range', field: 'amount', min: 0 },
    ]);
    const first = rules.evaluate(order(), ctx);
    const second = rules.evaluate(order({ amount: 3 }), ctx);
    expect(first).to.equal(second);
    expect(first.failures).to.deep.equal([]);
    expect(first.quarantine).to.equal(false);
    expect(Object.isFrozen(first.failures)).to.equal(true);
  });

  it('quarantines on an error failure, not on warnings alone', () => {
    const rules = ruleSet([
      { id: 'format', type: 'regex', field: 'email', pattern: '@', severity: 'warn' },
      { id: 'range', type: 'in_range', field: 'amount', max: 1000 },
    ]);
    const warned = rules.evaluate(order({ email: 'nobody' }), ctx);
    expect(warned.quarantine).to.equal(false);
    expect(warned.failures.map((f) => [f.ruleId, f.severity])).to.deep.equal([['format', 'warn']]);
    const both = rules.evaluate(order({ email: 'nobody', amount: 1001 }), ctx);
    expect(both.quarantine).to.equal(true);
    expect(both.failures.map((f) => f.ruleId)).to.deep.equal(['format', 'range']);
  });

  it('turns a rule that throws into an evaluation error that quarantines, whatever its severity', () => {
    const rules = ruleSet([
      { id: 'range', type: 'in_range', field: 'amount', max: 100, severity: 'warn' },
      { id: 'ratio', type: 'expression', expr: 'quantity / lineNo > 0', severity: 'warn' },
      { id: 'format', type: 'regex', field: 'sku', pattern: '^S', severity: 'warn' },
      { id: 'ordered', type: 'compare', left: 'createdAt', op: '<', right: 'shippedAt', severity: 'warn' },
      { id: 'fresh', type: 'freshness', field: 'eventTime', maxAge: '1h', severity: 'warn' },
    ]);
    const verdict = rules.evaluate(order({ amount: 'lots', lineNo: 0, sku: 42, shippedAt: 'soon', eventTime: 'now' }), ctx);
    expect(verdict.quarantine).to.equal(true);
    expect(verdict.failures).to.deep.equal([
      { ruleId: 'range', ruleType: 'in_range', severity: 'error', field: 'amount', value: 'lots', message: 'evaluation error: amount is "lots", not a number' },
      { ruleId: 'ratio', ruleType: 'expression', severity: 'error', value: { quantity: 3, lineNo: 0 }, message: 'evaluation error: division by zero' },
      { ruleId: 'format', ruleType: 'regex', severity: 'error', field: 'sku', value: 42, message: 'evaluation error: sku is 42, not a string' },
      {
        ruleId: 'ordered',
        ruleType: 'compare',
        severity: 'error',
        field: 'createdAt',
        value: { createdAt: NOW - 10 * MINUTE, shippedAt: 'soon' },
        message: 'evaluation error: shippedAt is "soon", not a number',
      },
      { ruleId: 'fresh', ruleType: 'freshness', severity: 'error', field: 'eventTime', value: 'now', message: 'evaluation error: eventTime is "now", not a time in epoch ms' },
    ]);
  });

  it('runs every rule once per record, in order, however many rules and wherever one fails or throws', () => {
    // 13 range rules, then a stateful unique and a regex: past the evaluator's written-out call
    // sites (12), the rest run in its loop; the unique rule would flag the first record itself if
    // its test ran twice for it.
    const ranges = Array.from({ length: 13 }, (_, i) => ({ id: `r${i}`, type: 'in_range', field: 'amount', max: i === 3 ? 100 : 1e9, severity: i === 3 ? 'warn' : 'error' }));
    const rules = ruleSet([
      ...ranges,
      { id: 'once', type: 'unique', fields: ['orderId'], window: '10m', timeField: 'eventTime' },
      { id: 'sku', type: 'regex', field: 'sku', pattern: '^S', severity: 'warn' },
    ]);
    const evaluator = rules.createEvaluator();
    const passed = evaluator.evaluate(order({ orderId: 'o-0', amount: 5 }), ctx);
    expect(passed).to.equal(rules.evaluate(order({ amount: 5 }), ctx));
    const first = evaluator.evaluate(order({ orderId: 'o-1', amount: 500, sku: 42 }), ctx);
    expect(first.failures.map((f) => [f.ruleId, f.severity, f.message.startsWith('evaluation error')])).to.deep.equal([
      ['r3', 'warn', false],
      ['sku', 'error', true],
    ]);
    const again = evaluator.evaluate(order({ orderId: 'o-1', amount: 5 }), ctx);
    expect(again.failures.map((f) => f.ruleId)).to.deep.equal(['once']);
    // A throw in a written-out position, then failures after it in both parts.
    const mixed = evaluator.evaluate(order({ orderId: 'o-2', amount: 'lots', sku: 'x' }), ctx);
    expect(mixed.failures.map((f) => f.ruleId)).to.deep.equal([...ranges.map((r) => r.id), 'sku']);
    expect(mixed.failures.every((f, i) => i === 13 || f.message.startsWith('evaluation error: amount is "lots"'))).to.equal(true);
    expect(mixed.quarantine).to.equal(true);
  });

  it('never throws, not even for a record that is not an object or a missing context', () => {
    const rules = ruleSet([
      { id: 'present', type: 'not_null', field: 'amount' },
      { id: 'fresh', type: 'freshness', field: 'eventTime', maxAge: '1h' },
    ]);
    const verdict = rules.evaluate(null as never, ctx);
    expect(verdict.quarantine).to.equal(true);
    expect(verdict.failures.map((f) => [f.ruleId, f.message.startsWith('evaluation error: ')])).to.deep.equal([
      ['present', true],
      ['fresh', true],
    ]);
    const noClock = rules.evaluate(order(), undefined as never);
    expect(noClock.failures.map((f) => f.message)).to.deep.equal(['evaluation error: ctx.now is not a time in epoch ms']);
  });

  it('handles a record missing every field: only not_null fails', () => {
    const rules = ruleSet(
      [
        { id: 'present', type: 'not_null', field: 'amount' },
        { id: 'range', type: 'in_range', field: 'amount', min: 0, max: 10 },
        { id: 'known', type: 'in_set', field: 'status', values: ['paid'] },
        { id: 'format', type: 'regex', field: 'email', pattern: '^[^@]+@[^@]+$' },
        { id: 'size', type: 'length', field: 'sku', min: 3 },
        { id: 'kind', type: 'type', field: 'quantity', expected: 'int' },
        { id: 'once', type: 'unique', fields: ['orderId', 'lineNo'], window: '10m' },
        { id: 'ordered', type: 'compare', left: 'createdAt', op: '<=', right: 'shippedAt' },
        { id: 'sane', type: 'expression', expr: 'discount <= amount * 0.5' },
        { id: 'country', type: 'reference', field: 'country', lookup: 'countries' },
        { id: 'fresh', type: 'freshness', field: 'eventTime', maxAge: '1h' },
      ],
      { countries: ['DE'] },
    );
    for (let i = 0; i < 3; i++) {
      expect(rules.evaluate({}, ctx)).to.deep.equal({
        failures: [{ ruleId: 'present', ruleType: 'not_null', severity: 'error', field: 'amount', value: null, message: 'amount is required' }],
        quarantine: true,
      });
    }
  });

  describe('unique', () => {
    it('fails a repeated key within the window of arrival time (ctx.now) and passes it after', () => {
      const rules = one({ type: 'unique', fields: ['orderId'], window: '10m' });
      expect(rules.rules[0]?.message).to.equal('orderId must be unique within 10m');
      expect(rules.evaluate(order(), { now: NOW }).failures).to.deep.equal([]);
      expect(rules.evaluate(order(), { now: NOW + 9 * MINUTE }).failures).to.deep.equal([
        { ruleId: 'r', ruleType: 'unique', severity: 'error', field: 'orderId', value: 'o-1', message: 'orderId must be unique within 10m' },
      ]);
      expect(rules.evaluate(order({ orderId: 'o-2' }), { now: NOW + 9 * MINUTE }).failures).to.deep.equal([]);
      expect(rules.evaluate(order(), { now: NOW + 10 * MINUTE }).failures).to.deep.equal([]); // a new window
      expect(rules.evaluate(order(), { now: NOW + 11 * MINUTE }).failures).to.have.length(1);
    });

    it('uses the timeField as event time and keys of several fields', () => {
      const rules = one({ type: 'unique', fields: ['orderId', 'lineNo'], window: '1m', timeField: 'eventTime' });
      expect(rules.rules[0]?.message).to.equal('(orderId, lineNo) must be unique within 1m');
      const at = (eventTime: number, lineNo = 1) => rules.evaluate(order({ eventTime, lineNo }), { now: 0 }).failures;
      expect(at(NOW)).to.deep.equal([]);
      expect(at(NOW, 2)).to.deep.equal([]);
      expect(at(NOW + 30_000)).to.deep.equal([
        {
          ruleId: 'r',
          ruleType: 'unique',
          severity: 'error',
          field: 'orderId,lineNo',
          value: { orderId: 'o-1', lineNo: 1 },
          message: '(orderId, lineNo) must be unique within 1m',
        },
      ]);
      expect(at(NOW - 30_000)).to.have.length(1); // out of order, still within the window
      expect(at(NOW + 60_000)).to.deep.equal([]);
    });

    it('keeps the number 1 and the text "1" apart, and ignores null keys', () => {
      const rules = one({ type: 'unique', fields: ['orderId'], window: '1h' });
      expect(rules.evaluate(order({ orderId: 1 }), ctx).failures).to.deep.equal([]);
      expect(rules.evaluate(order({ orderId: '1' }), ctx).failures).to.deep.equal([]);
      expect(rules.evaluate(order({ orderId: 1 }), ctx).failures).to.have.length(1);
      expect(rules.evaluate(order({ orderId: null }), ctx).failures).to.deep.equal([]);
      expect(rules.evaluate(order({ orderId: null }), ctx).failures).to.deep.equal([]);
    });

    it('keeps state per evaluator, so each partition has its own', () => {
      const rules = one({ type: 'unique', fields: ['orderId'], window: '1h' });
      const p0 = rules.createEvaluator();
      const p1 = rules.createEvaluator();
      expect(p0.evaluate(order(), ctx).failures).to.deep.equal([]);
      expect(p1.evaluate(order(), ctx).failures).to.deep.equal([]);
      expect(p0.evaluate(order(), ctx).failures).to.have.length(1);
      expect(rules.evaluate(order(), ctx).failures).to.deep.equal([]); // the set's own default evaluator
    });

    it('keeps each evaluator’s state apart where the chain is written out and where it loops, while they share the rules', () => {
      // 14 rules: the first unique runs in the chain's written-out links, the second in the loop past them.
      const rules = ruleSet([
        { id: 'first-seen', type: 'unique', fields: ['orderId'], window: '1h' },
        { id: 'amount-range', type: 'in_range', field: 'amount', min: 0 },
        ...Array.from({ length: 11 }, (_, i) => ({ id: `present-${i}`, type: 'not_null' as const, field: 'sku' })),
        { id: 'sku-seen', type: 'unique', fields: ['sku'], window: '1h' },
      ]);
      const p0 = rules.createEvaluator();
      const p1 = rules.createEvaluator();
      const failed = (verdict: { failures: readonly { ruleId: string; message: string }[] }) => verdict.failures.map((f) => `${f.ruleId}: ${f.message}`);
      expect(failed(p0.evaluate(order({ orderId: 'a', sku: 'S-1' }), ctx))).to.deep.equal([]);
      expect(failed(p1.evaluate(order({ orderId: 'a', sku: 'S-1' }), ctx))).to.deep.equal([]);
      // A rule that throws in p1 leaves nothing behind for p0.
      expect(failed(p1.evaluate(order({ orderId: 'b', sku: 'S-3', amount: 'abc' }), ctx))).to.deep.equal(['amount-range: evaluation error: amount is "abc", not a number']);
      expect(failed(p0.evaluate(order({ orderId: 'a', sku: 'S-2' }), ctx))).to.deep.equal(['first-seen: orderId must be unique within 1h']);
      expect(failed(p0.evaluate(order({ orderId: 'c', sku: 'S-1' }), ctx))).to.deep.equal(['sku-seen: sku must be unique within 1h']);
      expect(failed(p1.evaluate(order({ orderId: 'c', sku: 'S-2' }), ctx))).to.deep.equal([]);
    });

    it('forgets the oldest key beyond maxKeys', () => {
      const rules = one({ type: 'unique', fields: ['orderId'], window: '1h', maxKeys: 2 });
      for (const id of ['a', 'b', 'c']) rules.evaluate(order({ orderId: id }), ctx);
      expect(rules.evaluate(order({ orderId: 'a' }), ctx).failures).to.deep.equal([]); // forgotten
      expect(rules.evaluate(order({ orderId: 'c' }), ctx).failures).to.have.length(1);
    });
  });
});
