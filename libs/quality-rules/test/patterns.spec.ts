import { expect } from 'chai';
import { RE2JS } from 're2js';
import { compilePattern } from '../src/patterns/index.js';
import { NOW, one, order } from './support/fixtures.js';

const limits = { maxPatternLength: 500, maxPatternProgramSize: 5000 };

function pattern(source: string) {
  const outcome = compilePattern(source, limits);
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.pattern;
}

/** Milliseconds `fn` takes. */
function timed(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

describe('regex patterns', () => {
  it('runs the catastrophic (a+)+$ against a long aaaa…b in linear time', () => {
    const input = `${'a'.repeat(100_000)}b`;
    const expected: Record<string, boolean> = {
      '(a+)+$': false,
      '^(a+)+$': false,
      '^(?:a+)+$': false,
      '^(a|a)*$': false,
      '^(a|aa)+$': false,
      '(x+x+)+y': false,
      '^(\\w+\\s?)*$': true,
      '^(.*a){12}$': false,
    };
    for (const [source, result] of Object.entries(expected)) {
      const p = pattern(source);
      expect(p.engine, source).to.equal('re2');
      let matched: boolean | undefined;
      // Backtracking would need ~2^100000 steps; RE2 needs milliseconds. The bound only catches a
      // catastrophe on a busy machine, it is not a benchmark.
      expect(timed(() => (matched = p.test(input))), source).to.be.below(5000);
      expect(matched, source).to.equal(result);
    }
  });

  it('keeps a regex rule fast on hostile input and reports the record normally', () => {
    const rules = one({ type: 'regex', field: 'sku', pattern: '(a+)+$' });
    const sku = `${'a'.repeat(50_000)}b`;
    let verdict: ReturnType<typeof rules.evaluate> | undefined;
    expect(timed(() => (verdict = rules.evaluate(order({ sku }), { now: NOW })))).to.be.below(5000);
    expect(verdict?.failures.map((f) => f.ruleId)).to.deep.equal(['r']);
  });

  it('runs deterministic anchored patterns on a native RegExp, everything else on RE2', () => {
    const native = ['^[^@]+@[^@]+$', '^[A-Z]{2}-[0-9]{4}$', '^\\d+$', '^[a-z]+\\d+$', '^\\S+$', '^(?:ab)c$', '^x.y$', '^[^\\s]+ [^\\s]+$'];
    for (const source of native) expect(pattern(source).engine, source).to.equal('native-linear');
    const re2 = [
      '[0-9]{3}', // unanchored: V8 would retry at every position
      '^a*b', // not one-pass for RE2 without the end anchor
      '^a*a*$', // ambiguous: quadratic when backtracking
      '^\\d+\\d+$',
      '^(ab)+$', // quantified group
      '^(new|paid)$', // alternation
      '(?i)^abc$', // flags
      '^\\pL+$', // Unicode classes
      '^\\bx$',
      '^[-a]$',
    ];
    for (const source of re2) expect(pattern(source).engine, source).to.equal('re2');
  });

  it('gives the same answers on both engines (random strings against RE2 itself)', () => {
    const sources = [
      '^[^@]+@[^@]+$',
      '^[A-Z]{2}-[0-9]{4}$',
      '^\\w+\\.\\w+$',
      '^.+$',
      '^\\s*$',
      '^a{2,3}b?$',
      '^x.y',
      '^é+ñ?$',
      '^[😀-😂]+$',
      '^[^\\d\\s]{1,3}$',
      '^\\W\\D\\S$',
      '^[\\t\\n]\\.$',
    ];
    const alphabet = [...'abAZ09@-. _xyé\u00f1😀😁\n\t\r\u000b\u00a0\u2028'];
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    for (const source of sources) {
      const fast = pattern(source);
      expect(fast.engine, source).to.equal('native-linear');
      const reference = RE2JS.compile(source);
      for (let i = 0; i < 3000; i++) {
        let text = '';
        for (let n = Math.floor(random() * 8); n > 0; n--) text += alphabet[Math.floor(random() * alphabet.length)];
        expect(fast.test(text), `${source} on ${JSON.stringify(text)}`).to.equal(reference.test(text));
      }
    }
  });

  it('refuses what RE2 cannot do in linear time, and malformed patterns, with the reason', () => {
    const refused = (source: string) => {
      const outcome = compilePattern(source, limits);
      return outcome.ok ? 'accepted' : outcome.message;
    };
    expect(refused('(a)\\1')).to.equal('pattern does not compile (RE2 syntax): invalid escape sequence: `\\1`');
    expect(refused('(?=a)b')).to.equal('pattern does not compile (RE2 syntax): invalid or unsupported Perl syntax: `(?=`');
    expect(refused('[a')).to.equal('pattern does not compile (RE2 syntax): missing closing ]: `[a`');
    expect(refused('a{1001}')).to.equal('pattern does not compile (RE2 syntax): invalid repeat count: `{1001}`');
    expect(refused('a'.repeat(501))).to.equal('pattern is longer than 500 characters');
  });

  it('speaks RE2 syntax: (?i), \\pL, non-greedy quantifiers', () => {
    expect(pattern('(?i)^abc$').test('ABC')).to.equal(true);
    expect(pattern('^\\pL+$').test('Grüße')).to.equal(true);
    expect(pattern('^\\pL+$').test('Grüße1')).to.equal(false);
    expect(pattern('^a+?b$').test('aaab')).to.equal(true);
  });
});
