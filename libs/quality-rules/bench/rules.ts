/** The benchmark's rule set (ten per-record rules, one of each kind but unique) and its fields. */
import type { FieldDeclaration } from '@tributary/pipelines';
import type { QualityRuleSetInput } from '../src/index.js';
import { COUNTRIES, STATUSES } from './data.js';

export const orderFields: FieldDeclaration[] = [
  { name: 'orderId', type: 'string' },
  { name: 'status', type: 'string' },
  { name: 'amount', type: 'double', nullable: true },
  { name: 'discount', type: 'double', nullable: true },
  { name: 'email', type: 'string' },
  { name: 'sku', type: 'string' },
  { name: 'country', type: 'string' },
  { name: 'quantity', type: 'double' },
  { name: 'createdAt', type: 'timestamp' },
  { name: 'shippedAt', type: 'timestamp', nullable: true },
  { name: 'eventTime', type: 'timestamp' },
];

export const EMAIL_PATTERN = '^[^@\\s]+@[^@\\s]+$';

export const benchRuleSet: QualityRuleSetInput = {
  lookups: { countries: COUNTRIES },
  rules: [
    { id: 'amount-present', type: 'not_null', field: 'amount' },
    { id: 'amount-range', type: 'in_range', field: 'amount', min: 0, max: 10_000 },
    { id: 'status-known', type: 'in_set', field: 'status', values: STATUSES },
    { id: 'email-format', type: 'regex', field: 'email', pattern: EMAIL_PATTERN, severity: 'warn' },
    { id: 'sku-length', type: 'length', field: 'sku', min: 3, max: 12 },
    { id: 'quantity-type', type: 'type', field: 'quantity', expected: 'int' },
    { id: 'dates-ordered', type: 'compare', left: 'createdAt', op: '<=', right: 'shippedAt' },
    { id: 'discount-sane', type: 'expression', expr: 'discount <= amount * 0.5' },
    { id: 'country-known', type: 'reference', field: 'country', lookup: 'countries' },
    { id: 'fresh', type: 'freshness', field: 'eventTime', maxAge: '1h' },
  ],
};
