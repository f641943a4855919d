import type { FieldType } from '../types.js';
import { isoTimestampMs, type ZonelessPolicy } from './timestamp.js';

/** Why a value could not be coerced. Returned rather than thrown: refused values are routine. */
export class CoercionFailure {
  constructor(
    readonly code: 'TRIB_RECORD_FIELD_TYPE' | 'TRIB_RECORD_FIELD_RANGE',
    readonly message: string,
  ) {}
}

/** The coerced value, or why there is none. A value is returned as it is, not wrapped: one call per field of every record. */
export type Coerced = string | number | boolean | CoercionFailure;

/**
 * Coerces one present, non-null value. `text` turns on the CSV rules (strings standing for numbers,
 * booleans and epoch ms); without it only values that already have the JSON type pass, except
 * ISO-8601 strings for timestamps, which JSON has no other way to carry.
 */
export type Coercer = (value: unknown, text: boolean) => Coerced;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
/** Largest finite 32-bit float: a bigger double would become Infinity when written as Avro float. */
const FLOAT32_MAX = 3.4028234663852886e38;
/** The range of a JavaScript Date (±100,000,000 days around the epoch), in ms. */
const EPOCH_MS_MAX = 8.64e15;
const INTEGER_TEXT = /^[+-]?\d+$/;
// Plain decimal notation only: no hex, no "1_000", no "NaN"/"Infinity", no thousands separators.
const DECIMAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const typeError = (message: string) => new CoercionFailure('TRIB_RECORD_FIELD_TYPE', message);
const rangeError = (message: string) => new CoercionFailure('TRIB_RECORD_FIELD_RANGE', message);

function describe(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? `number ${value}` : String(value);
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return Array.isArray(value) ? 'array' : typeof value;
}

/** A number from a JSON number, or (text rules) from numeric text; undefined when neither. */
function numberFrom(value: unknown, text: boolean, pattern: RegExp): number | undefined {
  if (typeof value === 'number') return value;
  if (text && typeof value === 'string' && pattern.test(value.trim())) return Number(value.trim());
  return undefined;
}

function integer(name: 'int' | 'long', min: number, max: number): Coercer {
  return (value, text) => {
    const n = numberFrom(value, text, INTEGER_TEXT);
    if (n === undefined) return typeError(`expected an integer (${name}), got ${describe(value)}`);
    if (!Number.isFinite(n)) return typeError(`expected a finite integer (${name}), got ${describe(n)}`);
    if (!Number.isInteger(n)) return typeError(`expected an integer (${name}), got ${describe(n)}`);
    if (n < min || n > max) return rangeError(`${describe(value)} is outside the ${name} range [${min}, ${max}]`);
    // -0 is an integer to JavaScript but not a value anyone sends on purpose; it would also hash apart from 0.
    return n === 0 ? 0 : n;
  };
}

function floating(name: 'float' | 'double', max: number): Coercer {
  return (value, text) => {
    const n = numberFrom(value, text, DECIMAL_TEXT);
    if (n === undefined) return typeError(`expected a number (${name}), got ${describe(value)}`);
    if (Number.isNaN(n)) return typeError(`expected a finite number (${name}), got NaN`);
    // Infinity from a JSON-less source, or numeric text such as "1e999" that overflows a double.
    if (!Number.isFinite(n) || Math.abs(n) > max) return rangeError(`${describe(value)} is outside the ${name} range`);
    return n;
  };
}

const coerceString: Coercer = (value) =>
  typeof value === 'string' ? value : typeError(`expected a string, got ${describe(value)}`);

const coerceBoolean: Coercer = (value, text) => {
  if (typeof value === 'boolean') return value;
  if (text && typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (word === 'true' || word === 'false') return word === 'true';
  }
  return typeError(`expected a boolean${text ? ' (true or false)' : ''}, got ${describe(value)}`);
};

function timestamp(zoneless: ZonelessPolicy): Coercer {
  return (value, text) => {
    const n = numberFrom(value, text, INTEGER_TEXT);
    if (n !== undefined) {
      if (!Number.isFinite(n) || !Number.isInteger(n)) {
        return typeError(`expected epoch milliseconds as an integer, got ${describe(n)}`);
      }
      if (Math.abs(n) > EPOCH_MS_MAX) return rangeError(`${describe(value)} is outside the timestamp range`);
      return n === 0 ? 0 : n;
    }
    if (typeof value !== 'string') {
      return typeError(`expected epoch milliseconds or an ISO-8601 timestamp, got ${describe(value)}`);
    }
    const parsed = isoTimestampMs(text ? value.trim() : value, zoneless);
    // Four-digit years always fall inside the Date range, so no range check is needed here.
    return typeof parsed === 'number' ? parsed : typeError(`${parsed}, got ${describe(value)}`);
  };
}

/** The coercer of each field type under a zone policy for date-times. */
export function coercerFor(type: FieldType, zoneless: ZonelessPolicy): Coercer {
  switch (type) {
    case 'string':
      return coerceString;
    case 'int':
      return integer('int', INT32_MIN, INT32_MAX);
    case 'long':
      return integer('long', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    case 'float':
      return floating('float', FLOAT32_MAX);
    case 'double':
      return floating('double', Number.MAX_VALUE);
    case 'boolean':
      return coerceBoolean;
    case 'timestamp':
      return timestamp(zoneless);
  }
}
