import { parse } from '@marcbachmann/cel-js';
import { type DataRecord, ExpressionScope, type FieldDeclaration } from '@tributary/pipelines';
import { expect } from 'chai';
import { compileRuleSet } from '../src/index.js';
import { fastPath } from '../src/rules/expression-fast-path.js';
import { NOW, one, order } from './support/fixtures.js';

const fields: FieldDeclaration[] = [
  { name: 'a', type: 'double' },
  { name: 'b', type: 'double', nullable: true },
  { name: 'i', type: 'int' },
  { name: 'j', type: 'long' },
  { name: 'p', type: 'boolean' },
  { name: 's', type: 'string' },
  { name: 't', type: 'string' },
];
const scope = new ExpressionScope(new Map(fields.map((f) => [f.name, f])));

const FAST = [
  'a <= b * 0.5',
  'a / b > 1.0',
  'a / i < 2.0',
  'i * 0.5 == a',
  'i < j',
  'i == j',
  'i != 3',
  'a >= i',
  'i > a',
  'a == i',
  '-a < 0.0',
  '-i < 0',
  '1.0 / -i > 0.0',
  '1.0 / i > 0.0',
  '!(a > b) || p',
  'p ? a > 1.0 : i < 2',
  's == "x" && t != s',
  'a + b - i * 2.0 / b >= 0.0',
  'p == true',
];
const SLOW = ['i + j > 0', 'i / j > 0', 's < t', 'size(s) > 1', 'a > 0.0 && s.startsWith("x")', 'b == null || b > 1.0'];

// Values CEL treats specially (-0, NaN, infinities, the ends of the safe range) and values of the
// wrong kind, which must send the record to CEL.
const NUMBERS = [0, -0, 1, -1, 2, 3, 0.5, -2.5, 1e308, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53];
const OTHERS = ['x', 'y', '', true, false, null];

let seed = 7;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const value = (kind: 'number' | 'string' | 'boolean') =>
  random() < 0.1 ? pick([...NUMBERS, ...OTHERS]) : kind === 'number' ? pick(NUMBERS) : kind === 'string' ? pick(['x', 'y', '']) : pick([true, false]);

function record(): DataRecord {
  return { a: value('number'), b: value('number'), i: value('number'), j: value('number'), p: value('boolean'), s: value('string'), t: value('string') };
}

/** CEL's answer, or its error. */
function cel(source: string, r: DataRecord): unknown {
  const outcome = scope.compile(source);
  if (!outcome.ok) throw new Error(outcome.message);
  try {
    return outcome.expression.evaluate(r);
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

describe('expression fast path', () => {
  it('exists for plain arithmetic and comparisons, not for int arithmetic or functions', () => {
    const reads = (source: string) => fields.filter((f) => new RegExp(`\\b${f.name}\\b`).test(source));
    for (const source of FAST) expect(fastPath(parse(source).ast, reads(source)), source).to.not.equal(undefined);
    for (const source of SLOW) expect(fastPath(parse(source).ast, reads(source)), source).to.equal(undefined);
  });

  it('gives exactly CEL’s answer whenever every value is of the kind CEL expects', () => {
    let compared = 0;
    for (const source of FAST) {
      const reads = fields.filter((f) => new RegExp(`\\b${f.name}\\b`).test(source));
      const fast = fastPath(parse(source).ast, reads)!;
      for (let n = 0; n < 2000; n++) {
        const r = record();
        // What the rule does: load every value, fall back to CEL when one does not fit.
        if (!reads.every((f, i) => r[f.name] !== null && fast.load(i, r[f.name]))) continue;
        expect(fast.run(), `${source} on ${JSON.stringify(r)}`).to.equal(cel(source, r));
        compared++;
      }
    }
    expect(compared).to.be.greaterThan(10_000);
  });

  it('is used by expression rules, which fall back to CEL for values of another kind', () => {
    const rules = one({ type: 'expression', expr: 'quantity * 2.0 <= amount' });
    expect(rules.rules[0]?.engine).to.equal('cel-fast-path');
    expect(rules.evaluate(order({ quantity: 3, amount: 6 }), { now: NOW }).failures).to.deep.equal([]);
    expect(rules.evaluate(order({ quantity: 4, amount: 6 }), { now: NOW }).failures).to.have.length(1);
    // 2.5 in an int field is a double to CEL, which has no int declaration for it: CEL's error.
    const [failure] = rules.evaluate(order({ quantity: 2.5, amount: 6 }), { now: NOW }).failures;
    expect(failure?.message).to.equal("evaluation error: Variable 'quantity' is not of type 'int', got 'double'");
  });

  it('gives CEL’s verdict in expression rules of one, two and three fields, with nulls skipped or evaluated', () => {
    // The rule reads its fields at call sites of its own for one and two fields, in a loop beyond.
    const counts = new Set<number>();
    let compared = 0;
    for (const source of [...FAST, ...SLOW]) {
      const reads = fields.filter((f) => new RegExp(`\\b${f.name}\\b`).test(source)).map((f) => f.name);
      counts.add(reads.length);
      for (const nulls of ['skip', 'evaluate'] as const) {
        const rules = compileRuleSet({ rules: [{ id: 'x', type: 'expression', expr: source, nulls }] }, fields);
        for (let n = 0; n < 500; n++) {
          const r = record();
          if (random() < 0.1) r[pick(reads)] = random() < 0.5 ? null : undefined;
          const [failure] = rules.evaluate(r, { now: NOW }).failures;
          const skipped = nulls === 'skip' && reads.some((name) => r[name] === null || r[name] === undefined);
          const result = skipped ? true : cel(source, r);
          const expected =
            result === true ? undefined
            : result === false ? `expression must be true: ${source}`
            : typeof result === 'string' && result.startsWith('error: ') ? `evaluation error: ${result.slice(7)}`
            : `evaluation error: expression produced ${String(result)} instead of true or false`;
          expect(failure?.message, `${source} (nulls: ${nulls}) on ${JSON.stringify(r)}`).to.equal(expected);
          compared++;
        }
      }
    }
    expect([...counts].sort()).to.include.members([1, 2, 3]);
    expect(compared).to.equal((FAST.length + SLOW.length) * 1000);
  });
});
