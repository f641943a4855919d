import { expect } from 'chai';
import { DefinitionError, type DefinitionIssue, type FieldDeclaration, type PipelineDefinitionInput } from '../../src/index.js';

/** Fields of the order records most tests use. */
export const orderFields: FieldDeclaration[] = [
  { name: 'id', type: 'string' },
  { name: 'customer', type: 'string' },
  { name: 'country', type: 'string' },
  { name: 'price', type: 'double' },
  { name: 'quantity', type: 'int' },
  { name: 'ts', type: 'timestamp' },
  { name: 'coupon', type: 'string', nullable: true },
];

export const order = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'o1',
  customer: 'ann',
  country: 'DE',
  price: 2.5,
  quantity: 4,
  ts: 1_700_000_000_000,
  coupon: null,
  ...overrides,
});

/**
 * A definition object over orderFields with the given stages (plus top-level overrides). Typed as
 * valid input so tests can hand it to compilePipeline; invalid ones go to validateDefinition.
 */
export function definition(stages: unknown[], overrides: Record<string, unknown> = {}): PipelineDefinitionInput {
  return { id: 'orders-test', name: 'Orders test', input: { schema: orderFields }, stages, ...overrides } as PipelineDefinitionInput;
}

/** Runs `fn`, expects a DefinitionError, and returns its details. */
export function refusal(fn: () => unknown): readonly DefinitionIssue[] {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(DefinitionError);
    const e = err as DefinitionError;
    expect(e.code).to.equal('TRIB_DEFINITION_INVALID');
    expect(e.retriable).to.equal(false);
    return e.details;
  }
  expect.fail('expected a DefinitionError');
}

/** `path: message` lines, the easiest form to compare exactly. */
export const lines = (issues: readonly DefinitionIssue[]): string[] => issues.map((i) => `${i.path}: ${i.message}`);
