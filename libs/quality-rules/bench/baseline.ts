/**
 * The same ten checks written by hand in plain TypeScript, as a service would without a rules
 * engine: the benchmark's baseline. It returns the same verdicts (same failures, same messages, a
 * shared empty verdict for passing records), so the comparison measures the engine, not the output.
 */
import type { RecordVerdict, RuleFailure } from '../src/index.js';
import { COUNTRIES, type Order, STATUSES } from './data.js';

const PASSED: RecordVerdict = Object.freeze({ failures: Object.freeze<RuleFailure[]>([]), quarantine: false });
const STATUS = new Set(STATUSES);
const COUNTRY = new Set(COUNTRIES);
// JavaScript's \s is wider than RE2's, but the data is ASCII: the same answers here.
const EMAIL = /^[^@\s]+@[^@\s]+$/;
const HOUR = 3_600_000;
const FUTURE = 5 * 60_000;
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

export function handWritten(r: Order, now: number): RecordVerdict {
  let out: RuleFailure[] | undefined;
  let quarantine = false;
  const { amount, discount, sku, shippedAt, quantity } = r;
  if (amount == null) {
    (out ??= []).push({ ruleId: 'amount-present', ruleType: 'not_null', severity: 'error', field: 'amount', value: null, message: 'amount is required' });
    quarantine = true;
  } else if (!(amount >= 0 && amount <= 10_000)) {
    (out ??= []).push({ ruleId: 'amount-range', ruleType: 'in_range', severity: 'error', field: 'amount', value: amount, message: 'amount must be between 0 and 10000' });
    quarantine = true;
  }
  if (!STATUS.has(r.status)) {
    (out ??= []).push({ ruleId: 'status-known', ruleType: 'in_set', severity: 'error', field: 'status', value: r.status, message: 'status must be one of new, paid, shipped, cancelled' });
    quarantine = true;
  }
  if (!EMAIL.test(r.email)) {
    (out ??= []).push({ ruleId: 'email-format', ruleType: 'regex', severity: 'warn', field: 'email', value: r.email, message: 'email must match ^[^@\\s]+@[^@\\s]+$' });
  }
  if (sku.length < 3 || sku.length > 12) {
    (out ??= []).push({ ruleId: 'sku-length', ruleType: 'length', severity: 'error', field: 'sku', value: sku, message: 'sku must be 3 to 12 characters long' });
    quarantine = true;
  }
  if (!Number.isInteger(quantity) || quantity < INT_MIN || quantity > INT_MAX) {
    (out ??= []).push({ ruleId: 'quantity-type', ruleType: 'type', severity: 'error', field: 'quantity', value: quantity, message: 'quantity must be an int' });
    quarantine = true;
  }
  if (shippedAt != null && !(r.createdAt <= shippedAt)) {
    const value = { createdAt: r.createdAt, shippedAt };
    (out ??= []).push({ ruleId: 'dates-ordered', ruleType: 'compare', severity: 'error', field: 'createdAt', value, message: 'createdAt must be <= shippedAt' });
    quarantine = true;
  }
  if (discount != null && amount != null && !(discount <= amount * 0.5)) {
    const value = { discount, amount };
    (out ??= []).push({ ruleId: 'discount-sane', ruleType: 'expression', severity: 'error', value, message: 'expression must be true: discount <= amount * 0.5' });
    quarantine = true;
  }
  if (!COUNTRY.has(r.country)) {
    (out ??= []).push({ ruleId: 'country-known', ruleType: 'reference', severity: 'error', field: 'country', value: r.country, message: 'country must be a value of lookup countries' });
    quarantine = true;
  }
  const age = now - r.eventTime;
  if (age > HOUR || age < -FUTURE) {
    const message = 'eventTime must be at most 1h old and at most 5m in the future';
    (out ??= []).push({ ruleId: 'fresh', ruleType: 'freshness', severity: 'error', field: 'eventTime', value: r.eventTime, message });
    quarantine = true;
  }
  return out === undefined ? PASSED : { failures: out, quarantine };
}
