import { expect } from 'chai';
import { compilePipeline, validateDefinition, type PipelineDefinitionInput } from '../src/index.js';
import { definition, order, refusal } from './support/fixtures.js';

const compute = (expr: string, type = 'string') => definition([{ type: 'map', fields: { x: { expr, type } } }]);

describe('expressions', () => {
  describe('cannot reach JavaScript objects', () => {
    // Each of these either fails to compile or evaluates to a per-record error; none runs code.
    const refusedAtCompile: [string, RegExp][] = [
      ['constructor.constructor("return process")()', /^Unexpected character: '\(' at 41$/],
      ['customer.constructor.constructor("return process")()', /^Unexpected character: '\(' at 50$/],
      ['customer.constructor', /^Cannot index type 'string' at 9$/],
      ['customer["constructor"]', /^Cannot index type 'string' at 0$/],
      ['price.__proto__', /^Cannot index type 'double' at 6$/],
      ['__proto__', /^Reserved identifier: __proto__ at 0$/],
      ['process', /^unknown field "process" at 0/],
      ['globalThis.process.exit(1)', /^unknown field "globalThis" at 0/],
      ['this', /^unknown field "this" at 0/],
      ['require("child_process")', /^found no matching overload for 'require\(string\)' at 0$/],
      ['eval("1")', /^found no matching overload for 'eval\(string\)' at 0$/],
    ];
    for (const [expr, why] of refusedAtCompile) {
      it(`refuses ${expr}`, () => {
        const [issue] = refusal(() => validateDefinition(compute(expr)));
        expect(issue?.path).to.equal('/stages/0/fields/x/expr');
        expect(issue?.message).to.match(why);
      });
    }

    it('dynamic access to a prototype property is a per-record error', () => {
      const p = compilePipeline(compute('dyn(customer).constructor'));
      expect(p.apply(order()).error?.message).to.equal('fields.x: No such key: constructor');
      const m = compilePipeline(compute('{"__proto__": {"polluted": true}}'));
      expect(m.apply(order()).error?.message).to.equal('fields.x: expression produced a map or object; record fields hold single values');
      expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    });

    it('a record field named like a prototype property is just data', () => {
      const p = compilePipeline({
        id: 'p',
        name: 'p',
        input: { schema: [{ name: 'constructor', type: 'string' }, { name: 'toString', type: 'string' }] },
        stages: [{ type: 'map', fields: { both: 'constructor + toString' } }],
      });
      expect(p.apply({ constructor: 'a', toString: 'b' }).output).to.include({ both: 'ab' });
    });

    it('a field named like a CEL type is data, usable in expressions once renamed', () => {
      const schema = [{ name: 'type', type: 'string' as const }];
      const [issue] = refusal(() => validateDefinition({ id: 'p', name: 'p', input: { schema }, stages: [{ type: 'filter', where: 'type == "click"' }] }));
      expect(issue?.message).to.equal('field "type" cannot be used in expressions (a CEL type or reserved name; rename it in an earlier stage) at 0');
      const p = compilePipeline({
        id: 'p',
        name: 'p',
        input: { schema },
        stages: [{ type: 'rename', fields: { type: 'event_type' } }, { type: 'filter', where: 'event_type == "click"' }],
      });
      expect(p.apply({ type: 'click' }).output).to.deep.equal({ event_type: 'click' });
    });

    it('a field named __proto__ is refused', () => {
      const [issue] = refusal(() => validateDefinition({ id: 'p', name: 'p', input: { schema: [{ name: '__proto__', type: 'string' }] }, stages: [] }));
      expect(issue?.path).to.equal('/input/schema/0/name');
    });
  });

  describe('runtime errors are per record and never stop the batch', () => {
    it('map and filter errors are reported by record index and stage', () => {
      const p = compilePipeline(
        definition([
          { id: 'ratio', type: 'map', fields: { per: 'quantity / (quantity - 4)' } },
          { id: 'cheap', type: 'filter', where: 'coupon != "VIP" && price < 10.0' },
        ]),
      );
      const batch = p.applyBatch([order({ quantity: 8 }), order({ quantity: 4 }), order({ quantity: 5, price: 'x' }), order({ quantity: 5, price: 20 }), order({ quantity: 6 })]);
      expect(batch.outputs.map((r) => r['per'])).to.deep.equal([2, 3]);
      expect(batch.errors).to.deep.equal([
        { index: 1, stage: 'ratio', stageIndex: 0, message: 'fields.per: division by zero' },
        { index: 2, stage: 'cheap', stageIndex: 1, message: "Variable 'price' is not of type 'double', got 'string'" },
      ]);
      expect(batch.counts).to.deep.equal([
        { stage: 'ratio', type: 'map', in: 5, out: 4, error: 1 },
        { stage: 'cheap', type: 'filter', in: 4, out: 2, error: 1 },
      ]);
    });

    it('comparing null fails the record; guarding with != null does not', () => {
      const def = (where: string): PipelineDefinitionInput => ({
        id: 'n',
        name: 'n',
        input: { schema: [{ name: 'amount', type: 'double', nullable: true }] },
        stages: [{ type: 'filter', where }],
      });
      expect(compilePipeline(def('amount > 0')).apply({ amount: null }).error?.message).to.equal('no such overload: dyn<null> > int');
      expect(compilePipeline(def('amount != null && amount > 0')).apply({ amount: null })).to.deep.equal({ output: null });
      expect(compilePipeline(def('amount != null && amount > 0')).apply({ amount: 1.5 }).output).to.deep.equal({ amount: 1.5 });
    });

    it('a result that does not fit the declared field fails the record', () => {
      const p = compilePipeline({
        id: 'n',
        name: 'n',
        input: { schema: [{ name: 'a', type: 'long', nullable: true }] },
        stages: [{ type: 'map', fields: { small: { expr: 'a', type: 'int' }, b: { expr: 'a', type: 'long', nullable: false } } }],
      });
      expect(p.apply({ a: 3 }).output).to.deep.equal({ a: 3, small: 3, b: 3 });
      expect(p.apply({ a: 2 ** 40 }).error?.message).to.equal('fields.small: result: 1099511627776 is not a 32-bit integer (int)');
      expect(p.apply({ a: null }).error?.message).to.equal('fields.b: result is null but the field is not nullable');
    });

    it('a missing field reads as null', () => {
      const p = compilePipeline(compute('coupon == null ? "none" : coupon'));
      const { coupon: _c, ...withoutCoupon } = order();
      expect(p.apply(withoutCoupon).output).to.include({ x: 'none' });
    });
  });

  it('bounds what one expression may cost: length, nesting and size', () => {
    const at = (expr: string) => refusal(() => validateDefinition(compute(expr, 'long')))[0]?.message;
    expect(at('1 + '.repeat(600) + '1')).to.equal('must be an expression of 1-2000 characters');
    expect(at(`${'('.repeat(60)}1${')'.repeat(60)}`)).to.match(/depth/i);
    expect(at(Array.from({ length: 300 }, () => 'price').join('+'))).to.match(/nodes/i);
  });
});
