import { expect } from 'chai';
import type { FieldDeclaration } from '@tributary/pipelines';
import { type CompiledRuleSet, type RuleDefinition, RuleSetError, type RuleSetIssue, compileRuleSet } from '../../src/index.js';

export const NOW = 1_700_000_000_000;
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** Fields of the order records most tests use. */
export const orderFields: FieldDeclaration[] = [
  { name: 'orderId', type: 'string' },
  { name: 'lineNo', type: 'int' },
  { name: 'status', type: 'string' },
  { name: 'amount', type: 'double', nullable: true },
  { name: 'discount', type: 'double', nullable: true },
  { name: 'quantity', type: 'int' },
  { name: 'email', type: 'string', nullable: true },
  { name: 'sku', type: 'string' },
  { name: 'country', type: 'string' },
  { name: 'paid', type: 'boolean' },
  { name: 'createdAt', type: 'timestamp' },
  { name: 'shippedAt', type: 'timestamp', nullable: true },
  { name: 'eventTime', type: 'timestamp' },
];

/** A record that passes every rule of the tests. */
export const order = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  orderId: 'o-1',
  lineNo: 1,
  status: 'paid',
  amount: 120.5,
  discount: 10,
  quantity: 3,
  email: 'ann@example.com',
  sku: 'SKU-123',
  country: 'DE',
  paid: true,
  createdAt: NOW - 10 * MINUTE,
  shippedAt: NOW - 5 * MINUTE,
  eventTime: NOW - MINUTE,
  ...overrides,
});

/** A rule set of the given rules over orderFields (plus lookups). */
export function ruleSet(rules: unknown[], lookups?: Record<string, unknown[]>): CompiledRuleSet {
  return compileRuleSet(lookups ? { lookups, rules } : { rules }, orderFields);
}

/** Shorthand for one rule. */
export const one = (rule: Partial<RuleDefinition> & Record<string, unknown>, lookups?: Record<string, unknown[]>): CompiledRuleSet =>
  ruleSet([{ id: 'r', ...rule }], lookups);

/** Runs `fn`, expects a RuleSetError, and returns its issues. */
export function refusal(fn: () => unknown): readonly RuleSetIssue[] {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(RuleSetError);
    const e = err as RuleSetError;
    expect(e.code).to.equal('TRIB_QUALITY_RULES_INVALID');
    expect(e.retriable).to.equal(false);
    expect(e.issues.length).to.be.greaterThan(0);
    return e.issues;
  }
  expect.fail('expected a RuleSetError');
}

/** The issues of compiling these rules over orderFields. */
export const issuesOf = (rules: unknown[], lookups?: Record<string, unknown>): readonly RuleSetIssue[] =>
  refusal(() => compileRuleSet(lookups ? { lookups, rules } : { rules }, orderFields));
