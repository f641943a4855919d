/**
 * ISO-8601 / RFC 3339 timestamps to epoch milliseconds, by hand rather than with Date.parse: Date.parse
 * reads a date-time without a zone as the machine's local time (so the same record would stage
 * differently on two hosts) and accepts non-ISO shapes that differ between engines.
 *
 * Accepted: `YYYY-MM-DD` (midnight UTC), and `YYYY-MM-DD[T| ]hh:mm[:ss[.fraction]]` followed by `Z` or
 * an offset `±hh:mm`, `±hhmm`, `±hh`. Without a zone a date-time is refused unless `zoneless` is
 * 'utc'. Fractions beyond milliseconds are truncated. Calendar fields are range-checked (no
 * 2024-02-30, no hour 24, no leap second 60).
 *
 * The text is read char by char, with no regular expression, match array or Date: every record of
 * a timestamp field goes through here, and this is several times faster.
 */
export type ZonelessPolicy = 'reject' | 'utc';

export type TimestampParse = { ok: true; epochMs: number } | { ok: false; message: string };

const NOT_ISO = 'expected epoch milliseconds or an ISO-8601 timestamp';
const MS_PER_DAY = 86_400_000;

export function parseIsoTimestamp(text: string, zoneless: ZonelessPolicy): TimestampParse {
  const result = isoTimestampMs(text, zoneless);
  return typeof result === 'number' ? { ok: true, epochMs: result } : { ok: false, message: result };
}

/** Epoch milliseconds, or why the text is not a timestamp (see parseIsoTimestamp). */
export function isoTimestampMs(text: string, zoneless: ZonelessPolicy): number | string {
  const length = text.length;
  if (length < 10 || text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH) return NOT_ISO;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (year < 0 || month < 0 || day < 0) return NOT_ISO;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let millis = 0;
  let offsetMinutes = 0;
  let zoneMissing = false;
  let offsetOutOfRange = false;
  let i = 10;
  if (i < length) {
    // The time: [Tt ]hh:mm, then :ss and a fraction, each optional.
    const separator = text.charCodeAt(i);
    if ((separator !== UPPER_T && separator !== LOWER_T && separator !== SPACE) || text.charCodeAt(i + 3) !== COLON) return NOT_ISO;
    hour = digitsAt(text, i + 1, 2);
    minute = digitsAt(text, i + 4, 2);
    if (hour < 0 || minute < 0) return NOT_ISO;
    i += 6;
    if (text.charCodeAt(i) === COLON) {
      second = digitsAt(text, i + 1, 2);
      if (second < 0) return NOT_ISO;
      i += 3;
      const mark = text.charCodeAt(i);
      if (mark === DOT || mark === COMMA) {
        const start = ++i;
        while (i < length && isDigit(text.charCodeAt(i))) i++;
        if (i === start) return NOT_ISO;
        // The first three digits, as milliseconds: ".5" is 500, ".123456" is 123.
        for (let k = 0; k < 3; k++) millis = millis * 10 + (start + k < i ? text.charCodeAt(start + k) - ZERO : 0);
      }
    }
    // The zone: Z, or ±hh, ±hhmm, ±hh:mm; nothing after it.
    if (i === length) {
      zoneMissing = true;
    } else {
      const zone = text.charCodeAt(i);
      if (zone === UPPER_Z || zone === LOWER_Z) {
        if (i + 1 !== length) return NOT_ISO;
      } else if (zone === PLUS || zone === MINUS) {
        const hours = digitsAt(text, i + 1, 2);
        let minutes = 0;
        const rest = length - (i + 3);
        if (hours < 0) return NOT_ISO;
        if (rest === 2) minutes = digitsAt(text, i + 3, 2);
        else if (rest === 3 && text.charCodeAt(i + 3) === COLON) minutes = digitsAt(text, i + 4, 2);
        else if (rest !== 0) return NOT_ISO;
        if (minutes < 0) return NOT_ISO;
        offsetOutOfRange = hours > 23 || minutes > 59;
        offsetMinutes = (zone === MINUS ? -1 : 1) * (hours * 60 + minutes);
      } else {
        return NOT_ISO;
      }
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return 'not a calendar date';
  if (hour > 23 || minute > 59 || second > 59) return 'not a time of day';
  if (zoneMissing && zoneless === 'reject') return 'a date-time needs a time zone ("Z" or an offset such as +02:00)';
  if (offsetOutOfRange) return 'not a time zone offset';
  return daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
}

const ZERO = 48;
const DASH = 45;
const COLON = 58;
const DOT = 46;
const COMMA = 44;
const PLUS = 43;
const MINUS = 45;
const SPACE = 32;
const UPPER_T = 84;
const LOWER_T = 116;
const UPPER_Z = 90;
const LOWER_Z = 122;

const isDigit = (code: number) => code >= ZERO && code <= ZERO + 9;

/** The value of `count` ASCII digits at `at`, or -1 when one of them is not a digit (or missing). */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let k = at; k < at + count; k++) {
    const code = text.charCodeAt(k); // NaN past the end: not a digit
    if (!isDigit(code)) return -1;
    value = value * 10 + (code - ZERO);
  }
  return value;
}

/**
 * Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's days_from_civil),
 * for any year, 0 to 99 included (Date.UTC would read those as 1900–1999).
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
