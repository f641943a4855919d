import type { FieldType } from './types.js';

/**
 * Value rules shared by every stage: one place decides what a field of each type may hold and how a
 * `cast` converts a value between types. (Coercing raw input at ingest is @tributary/staging's job,
 * with its own, stricter table; a cast is an author's explicit request on already-typed records.)
 */

export const FIELD_TYPES: readonly FieldType[] = ['string', 'int', 'long', 'float', 'double', 'boolean', 'timestamp'];

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INTEGER_TEXT = /^[+-]?[0-9]+$/;

/** A per-record failure: the record is reported with this message, the batch goes on. */
export class RecordFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RecordFailure';
  }
}

export function isNumericType(type: FieldType): boolean {
  return type !== 'string' && type !== 'boolean';
}

export function isIntegralType(type: FieldType): boolean {
  return type === 'int' || type === 'long' || type === 'timestamp';
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return Array.isArray(value) ? 'a list' : `a ${typeof value}`;
}

/** Why `value` cannot be held by a non-null field of `type`, or undefined when it can. */
export function typeMismatch(value: unknown, type: FieldType): string | undefined {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? undefined : `${describeValue(value)} is not a string`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${describeValue(value)} is not a boolean`;
    case 'int':
      return Number.isInteger(value) && (value as number) >= INT32_MIN && (value as number) <= INT32_MAX
        ? undefined
        : `${describeValue(value)} is not a 32-bit integer`;
    case 'long':
    case 'timestamp':
      // avsc reads longs as JS numbers, so a long is exact only within the safe-integer range.
      return Number.isSafeInteger(value) ? undefined : `${describeValue(value)} is not an integer in ±2^53`;
    case 'float':
    case 'double':
      // NaN and Infinity have no JSON form and break every downstream aggregate: refuse them here.
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `${describeValue(value)} is not a finite number`;
  }
}

/** Throws a RecordFailure unless `value` fits the field (null only when nullable). */
export function assertFits(value: unknown, type: FieldType, nullable: boolean, what: string): void {
  if (value === null || value === undefined) {
    if (nullable) return;
    throw new RecordFailure(`${what} is null but the field is not nullable`);
  }
  const why = typeMismatch(value, type);
  if (why !== undefined) throw new RecordFailure(`${what}: ${why} (${type})`);
}

/**
 * Converts `value` to `type` the way a `cast` stage (and staging) does: lossless conversions only.
 * Numbers and booleans become strings; integer text becomes an integer; numeric text a number;
 * `true`/`false` (any case) and 1/0 become booleans; ISO-8601 text with a zone (or a bare date,
 * meaning midnight UTC) becomes a timestamp.
 * A fractional number is never truncated to an integer: write `int(x)` in a map stage for that.
 * null stays null. Throws a RecordFailure naming the value when the conversion is impossible.
 */
export function castValue(value: unknown, type: FieldType): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  const converted = convert(value, type);
  if (converted === undefined || converted === null) throw new RecordFailure(`cannot cast ${describeValue(value)} to ${type}`);
  const why = typeMismatch(converted, type);
  if (why !== undefined) throw new RecordFailure(`cannot cast ${describeValue(value)} to ${type}: ${why}`);
  return converted;
}

function convert(value: unknown, type: FieldType): string | number | boolean | undefined {
  switch (type) {
    case 'string':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 1 || value === 0) return value === 1;
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
      return undefined;
    case 'float':
    case 'double':
      if (typeof value === 'number') return value;
      if (typeof value === 'string' && value.trim() !== '') return Number(value.trim());
      return undefined;
    case 'int':
    case 'long':
    case 'timestamp':
      if (typeof value === 'number') return value;
      if (typeof value !== 'string') return undefined;
      if (INTEGER_TEXT.test(value.trim())) return Number(value.trim());
      return type === 'timestamp' ? parseIsoInstant(value.trim()) : undefined;
  }
}

// The ECMAScript date-time format, which Date.parse reads the same everywhere, with the zone required:
// a zoneless time would mean a different instant on every machine, and replays must not depend on that.
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

function parseIsoInstant(text: string): number | undefined {
  const match = ISO_INSTANT.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Date.parse rolls 2024-02-30 over to March 1st: refuse days the month does not have.
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
