import { expect } from 'chai';
import {
  QualityRulesOptionsError,
  RuleSetError,
  type RuleSetIssue,
  compileRuleSet,
  qualityRulesDefaults,
  qualityRulesJsonSchema,
} from '../src/index.js';
import { issuesOf, orderFields, refusal } from './support/fixtures.js';

/** `ruleId (field) path: message` lines: what a person reads, and the easiest form to compare. */
const lines = (issues: readonly RuleSetIssue[]) => issues.map((i) => `${i.ruleId ?? '-'} (${i.field ?? '-'}) ${i.path}: ${i.message}`);

describe('invalid rule sets', () => {
  it('refuses with one error naming the id and field of every offending rule', () => {
    const err = (() => {
      try {
        compileRuleSet(
          {
            rules: [
              { id: 'amount-range', type: 'in_range', field: 'amount', min: 10, max: 1 },
              { id: 'status-known', type: 'in_set', field: 'state', values: ['new'] },
            ],
          },
          orderFields,
        );
      } catch (e) {
        return e as RuleSetError;
      }
      throw new Error('not refused');
    })();
    expect(err).to.be.instanceOf(RuleSetError);
    expect(err.message).to.equal('Invalid quality rule set: rule "amount-range" (amount), /rules/0/min: min (10) is greater than max (1) (and 1 more)');
    expect(err.issues).to.deep.equal([
      { ruleId: 'amount-range', path: '/rules/0/min', field: 'amount', message: 'min (10) is greater than max (1)' },
      {
        ruleId: 'status-known',
        path: '/rules/1/field',
        field: 'state',
        message:
          'unknown field "state" (fields here: orderId, lineNo, status, amount, discount, quantity, email, sku, country, paid, createdAt, shippedAt, …)',
      },
    ]);
  });

  it('names each kind of semantic mistake', () => {
    const issues = issuesOf(
      [
        { id: 'range-on-text', type: 'in_range', field: 'status', min: 0 },
        { id: 'bad-pattern', type: 'regex', field: 'email', pattern: '([a-z]+' },
        { id: 'backreference', type: 'regex', field: 'email', pattern: '(a)\\1' },
        { id: 'regex-on-number', type: 'regex', field: 'amount', pattern: '^1' },
        { id: 'not-bool', type: 'expression', expr: 'amount * 2' },
        { id: 'bad-cel', type: 'expression', expr: 'amount >' },
        { id: 'unknown-in-cel', type: 'expression', expr: 'total > 0' },
        { id: 'no-lookup', type: 'reference', field: 'country', lookup: 'countrys' },
        { id: 'lookup-kind', type: 'reference', field: 'quantity', lookup: 'countries' },
        { id: 'set-kind', type: 'in_set', field: 'quantity', values: [1, 2.5, 'x'] },
        { id: 'empty-range', type: 'in_range', field: 'amount', min: 5, max: 5, exclusiveMax: true },
        { id: 'length-on-number', type: 'length', field: 'quantity', max: 3 },
        { id: 'length-order', type: 'length', field: 'sku', min: 4, max: 3 },
        { id: 'type-never', type: 'type', field: 'status', expected: 'int' },
        { id: 'compare-kinds', type: 'compare', left: 'status', op: '<', right: 'amount' },
        { id: 'compare-bools', type: 'compare', left: 'paid', op: '<', right: 'paid' },
        { id: 'fresh-text', type: 'freshness', field: 'status', maxAge: '1h' },
        { id: 'fresh-zero', type: 'freshness', field: 'eventTime', maxAge: '0s' },
        { id: 'unique-time', type: 'unique', fields: ['orderId'], window: '8d', timeField: 'amount' },
        { id: 'amount-range', type: 'in_range', field: 'amount', min: 0 },
        { id: 'amount-range', type: 'not_null', field: 'amount' },
        { id: 'cel-regex', type: 'expression', expr: 'email.matches("(a+)+$")' },
      ],
      { countries: ['FR'] },
    );
    expect(lines(issues)).to.deep.equal([
      'amount-range (amount) /rules/20/id: duplicate rule id "amount-range" (also rules[19])',
      'range-on-text (status) /rules/0/field: in_range needs a numeric field, but status is string',
      'bad-pattern (email) /rules/1/pattern: pattern does not compile (RE2 syntax): missing closing ): `([a-z]+`',
      'backreference (email) /rules/2/pattern: pattern does not compile (RE2 syntax): invalid escape sequence: `\\1`',
      'regex-on-number (amount) /rules/3/field: regex needs a string field, but amount is double',
      'not-bool (-) /rules/4/expr: must be a boolean expression, but it is double',
      'bad-cel (-) /rules/5/expr: Unexpected token: EOF at 8',
      'unknown-in-cel (-) /rules/6/expr: unknown field "total" at 0 (fields here: orderId, lineNo, status, amount, discount, quantity, email, sku, country, paid, createdAt, shippedAt, …)',
      'no-lookup (country) /rules/7/lookup: unknown lookup "countrys" (lookups: countries)',
      'lookup-kind (quantity) /rules/8/lookup: lookup "countries" holds "FR", which the int field quantity never holds',
      'set-kind (quantity) /rules/9/values/1: 2.5 is not a 32-bit integer, so it never matches the int field quantity',
      'set-kind (quantity) /rules/9/values/2: "x" is not a 32-bit integer, so it never matches the int field quantity',
      'empty-range (amount) /rules/10/min: the range is empty (min = max = 5, with an exclusive bound)',
      'length-on-number (quantity) /rules/11/field: length needs a string field, but quantity is int',
      'length-order (sku) /rules/12/min: min (4) is greater than max (3)',
      'type-never (status) /rules/13/expected: status is declared string, which never holds an int value',
      'compare-kinds (amount) /rules/14/right: cannot compare status (string) with amount (double)',
      'compare-bools (paid) /rules/15/right: booleans compare only with == and !=, not <',
      'fresh-text (status) /rules/16/field: must be a timestamp (epoch ms) field, but status is string',
      'fresh-zero (eventTime) /rules/17/maxAge: must be longer than 0',
      'unique-time (amount) /rules/18/timeField: must be a timestamp (epoch ms) field, but amount is double',
      'unique-time (orderId) /rules/18/window: must be at most 7d: state and clocks are bounded',
      'cel-regex (-) /rules/21/expr: matches() is not available in quality rules (backtracking regular expressions); use a regex rule, which runs in linear time',
    ]);
  });

  it('reports schema violations with the rule id and field, and checks the well-formed rules too', () => {
    const issues = issuesOf([
      { id: 'no-bounds', type: 'in_range', field: 'amount' },
      { id: 'typo', type: 'in_range', field: 'amount', minimum: 0 },
      { id: 'what', type: 'not_a_rule', field: 'amount' },
      { type: 'not_null', field: 'sku' },
      { id: 'bad id!', type: 'not_null', field: 'sku' },
      { id: 'sev', type: 'not_null', field: 'sku', severity: 'fatal' },
      { id: 'window', type: 'unique', fields: ['orderId'], window: '10 minutes' },
      { id: 'fine-shape', type: 'not_null', field: 'nope' },
    ]);
    expect(lines(issues)).to.deep.equal([
      'no-bounds (amount) /rules/0: needs min, max or both',
      'typo (amount) /rules/1: needs min, max or both',
      'typo (amount) /rules/1/minimum: is not allowed here (unknown property)',
      'what (amount) /rules/2/type: must be one of: not_null, in_range, in_set, regex, length, type, unique, compare, expression, reference, freshness, volume, completeness, validity',
      '- (sku) /rules/3/id: is required',
      'bad id! (sku) /rules/4/id: must be 1-64 of [A-Za-z0-9_.-], starting with a letter or digit',
      'sev (sku) /rules/5/severity: must be one of: error, warn',
      'window (orderId) /rules/6/window: must be a duration such as 500ms, 30s, 10m, 2h or 1d',
      'fine-shape (nope) /rules/7/field: unknown field "nope" (fields here: orderId, lineNo, status, amount, discount, quantity, email, sku, country, paid, createdAt, shippedAt, …)',
    ]);
  });

  it('refuses input that is not a rule set at all', () => {
    expect(lines(refusal(() => compileRuleSet(null, orderFields)))).to.deep.equal(['- (-) : must be object']);
    expect(lines(refusal(() => compileRuleSet({ rules: {} }, orderFields)))).to.deep.equal(['- (-) /rules: must be array']);
    expect(lines(refusal(() => compileRuleSet({ rule: [] }, orderFields)))).to.deep.equal([
      '- (-) /rules: is required',
      '- (-) /rule: is not allowed here (unknown property)',
    ]);
  });

  it('prefixes paths with basePath, for a rule set inside a pipeline definition', () => {
    const issues = refusal(() => compileRuleSet({ rules: [{ id: 'x', type: 'not_null', field: 'nope' }] }, orderFields, { basePath: '/quality' }));
    expect(issues[0]?.path).to.equal('/quality/rules/0/field');
  });

  it('enforces the limits, with the defaults documented in qualityRulesDefaults', () => {
    expect(qualityRulesDefaults.limits.maxRules).to.equal(200);
    const many = Array.from({ length: 3 }, (_, i) => ({ id: `r${i}`, type: 'not_null', field: 'sku' }));
    const limits = { maxRules: 2, maxPatternLength: 5, maxSetValues: 2, maxLookupValues: 2, maxExpressionLength: 10, maxMessageLength: 5, maxLookups: 1 };
    const issues = refusal(() =>
      compileRuleSet(
        {
          lookups: { a: ['x', 'y', 'z'], b: ['x'] },
          rules: [
            ...many,
            { id: 'long-pattern', type: 'regex', field: 'sku', pattern: 'abcdef' },
            { id: 'big-set', type: 'in_set', field: 'sku', values: ['a', 'b', 'c'] },
            { id: 'long-expr', type: 'expression', expr: 'amount > 1000000' },
            { id: 'long-message', type: 'not_null', field: 'sku', message: 'too long' },
          ],
        },
        orderFields,
        { limits },
      ),
    );
    expect(lines(issues)).to.deep.equal([
      '- (-) /rules: has 7 rules; at most 2',
      '- (-) /lookups: has 2 lookups; at most 1',
      '- (-) /lookups/a: has 3 values; at most 2',
      'long-pattern (sku) /rules/3/pattern: pattern is longer than 5 characters',
      'big-set (sku) /rules/4/values: has 3 values; at most 2 (use a lookup for long lists)',
      'long-expr (-) /rules/5/expr: expression is longer than 10 characters',
      'long-message (sku) /rules/6/message: is longer than 5 characters',
    ]);
  });

  it('refuses patterns whose compiled program is too large', () => {
    const issues = issuesOf([{ id: 'huge', type: 'regex', field: 'sku', pattern: '[a-z]{1000}[0-9]{1000}[A-Z]{1000}[a-z]{1000}[0-9]{1000}x' }]);
    expect(issues[0]?.message).to.match(/^pattern is too large: \d+ RE2 instructions \(at most 5000\)$/);
  });

  it('refuses invalid options as a programming error', () => {
    expect(() => compileRuleSet({ rules: [] }, orderFields, { limits: { maxRules: 0 } })).to.throw(QualityRulesOptionsError, 'limits.maxRules must be a positive integer');
    expect(() => compileRuleSet({ rules: [] }, orderFields, { basePath: 'quality' })).to.throw(QualityRulesOptionsError, 'basePath must be a JSON pointer');
  });

  it('exports its JSON Schema', () => {
    const schema = qualityRulesJsonSchema();
    expect(schema['$id']).to.equal('urn:tributary:quality-rules:1');
    expect((schema['$defs'] as Record<string, { enum?: string[] }>)['ruleTypes']?.enum).to.include.members(['not_null', 'volume', 'validity']);
  });
});
