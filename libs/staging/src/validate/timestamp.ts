/**
 * ISO-8601 / RFC 3339 timestamps to epoch milliseconds, by hand rather than with Date.parse: Date.parse
 * reads a date-time without a zone as the machine's local time (so the same record would stage
 * differently on two hosts) and accepts non-ISO shapes that differ between engines.
 *
 * Accepted: `YYYY-MM-DD` (midnight UTC), and `YYYY-MM-DD[T| ]hh:mm[:ss[.fraction]]` followed by `Z` or
 * an offset `±hh:mm`, `±hhmm`, `±hh`. Without a zone a date-time is refused unless `zoneless` is
 * 'utc'. Fractions beyond milliseconds are truncated. Calendar fields are range-checked (no
 * 2024-02-30, no hour 24, no leap second 60).
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

export type ZonelessPolicy = 'reject' | 'utc';

export type TimestampParse = { ok: true; epochMs: number } | { ok: false; message: string };

export function parseIsoTimestamp(text: string, zoneless: ZonelessPolicy): TimestampParse {
  const m = ISO.exec(text);
  if (!m) return { ok: false, message: 'expected epoch milliseconds or an ISO-8601 timestamp' };
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, message: 'not a calendar date' };
  }
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, message: 'not a time of day' };
  if (h !== undefined && zone === undefined && zoneless === 'reject') {
    return { ok: false, message: 'a date-time needs a time zone ("Z" or an offset such as +02:00)' };
  }
  const offsetMinutes = zone === undefined ? 0 : zoneOffsetMinutes(zone);
  if (offsetMinutes === undefined) return { ok: false, message: 'not a time zone offset' };
  const millis = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  return { ok: true, epochMs: date.getTime() - offsetMinutes * 60_000 };
}

function zoneOffsetMinutes(zone: string): number | undefined {
  if (zone === 'Z' || zone === 'z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
