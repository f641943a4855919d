import { type PipelineDefinition, validateDefinition } from '@tributary/pipelines';

/** Every per-record rule kind a seeded defect can break, by rule id (see qualityRules). */
export const DEFECTS = [
  'id-present',
  'amount-range',
  'status-known',
  'sku-length',
  'order-unique',
  'dates-ordered',
  'discount-sane',
  'per-unit',
  'country-known',
  'fresh',
  'all-null',
  'email-format',
] as const;
export type Defect = (typeof DEFECTS)[number];

/** Rules of the orders pipeline: one of each per-record kind, `email-format` only a warning. */
export const qualityRules = {
  lookups: { countries: ['FR', 'DE', 'US'] },
  rules: [
    { id: 'id-present', type: 'not_null', field: 'id' },
    { id: 'amount-range', type: 'in_range', field: 'amount', min: 0, max: 10_000 },
    { id: 'status-known', type: 'in_set', field: 'status', values: ['new', 'paid', 'shipped'] },
    { id: 'email-format', type: 'regex', field: 'email', pattern: '^[^@\\s]+@[^@\\s]+$', severity: 'warn' },
    { id: 'sku-length', type: 'length', field: 'sku', min: 3, max: 12 },
    { id: 'order-unique', type: 'unique', fields: ['id'], window: '10m' },
    { id: 'dates-ordered', type: 'compare', left: 'createdAt', op: '<=', right: 'shippedAt' },
    { id: 'discount-sane', type: 'expression', expr: 'discount <= amount * 0.5' },
    // Integer division: throws on a quantity of 0, which must quarantine the record, not crash.
    { id: 'per-unit', type: 'expression', expr: '1000 / quantity >= 1' },
    { id: 'country-known', type: 'reference', field: 'country', lookup: 'countries' },
    { id: 'fresh', type: 'freshness', field: 'ts', maxAge: '1h' },
  ],
};

/** An orders pipeline without stages (its output is its input), every field nullable, with qualityRules. */
export function ordersDefinition(id: string, quality: Record<string, unknown> = qualityRules): PipelineDefinition {
  const field = (name: string, type: string) => ({ name, type, nullable: true });
  return validateDefinition({
    id,
    name: `Orders ${id}`,
    input: {
      schema: [
        field('id', 'string'),
        field('amount', 'double'),
        field('status', 'string'),
        field('email', 'string'),
        field('sku', 'string'),
        field('country', 'string'),
        field('createdAt', 'timestamp'),
        field('shippedAt', 'timestamp'),
        field('discount', 'double'),
        field('quantity', 'int'),
        field('ts', 'timestamp'),
      ],
    },
    key: ['id'],
    stages: [],
    quality,
  });
}

const STATUSES = ['new', 'paid', 'shipped'];
const COUNTRIES = ['FR', 'DE', 'US'];

/** A record that passes every rule at evaluation time `now`. */
export function cleanOrder(i: number, now: number): Record<string, unknown> {
  const amount = 10 + (i % 100);
  return {
    id: `o${i}`,
    amount,
    status: STATUSES[i % 3],
    email: `u${i}@example.org`,
    sku: `SKU-${i % 1000}`,
    country: COUNTRIES[i % 3],
    createdAt: now - 3_600_000,
    shippedAt: now - 1_800_000,
    discount: amount * 0.1,
    quantity: 1 + (i % 5),
    ts: now - 60_000,
  };
}

/**
 * Record `i` with `defect` seeded: it breaks exactly that rule and no other. `order-unique` repeats
 * the id of record `i - 1` (clean: defects are never adjacent), so it must share that record's key.
 */
export function defectiveOrder(i: number, defect: Defect, now: number): Record<string, unknown> {
  const r = cleanOrder(i, now);
  switch (defect) {
    case 'id-present':
      return { ...r, id: null };
    case 'amount-range':
      // discount null: the expression rule skips records with nulls, so only the range fails.
      return { ...r, amount: -5, discount: null };
    case 'status-known':
      return { ...r, status: 'lost' };
    case 'sku-length':
      return { ...r, sku: 'AB' };
    case 'order-unique':
      return { ...cleanOrder(i - 1, now) };
    case 'dates-ordered':
      return { ...r, shippedAt: (r.createdAt as number) - 1000 };
    case 'discount-sane':
      return { ...r, discount: r.amount };
    case 'per-unit':
      return { ...r, quantity: 0 };
    case 'country-known':
      return { ...r, country: 'XX' };
    case 'fresh':
      return { ...r, ts: now - 2 * 3_600_000 };
    case 'all-null':
      return Object.fromEntries(Object.keys(r).map((k) => [k, null]));
    case 'email-format':
      return { ...r, email: 'not-an-email' };
  }
}
