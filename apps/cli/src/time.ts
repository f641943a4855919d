import { UsageError } from './errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A point in time given on the command line: ISO-8601 (`2025-11-28T04:00:00Z`), `now`, or relative to
 * now (`-15m`, `-2h`, `-1d`, `-30s`, `-500ms`, `-1w`; `+` for the future). Returns ISO-8601 in UTC.
 */
export function parseTimeArg(name: string, value: string, now: number): string {
  const v = value.trim();
  if (v === 'now') return new Date(now).toISOString();
  const rel = /^([+-])(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(v);
  if (rel) {
    const [, sign, amount, unit] = rel;
    const delta = Number(amount) * (UNIT_MS[unit ?? 's'] ?? 1_000);
    return new Date(sign === '-' ? now - delta : now + delta).toISOString();
  }
  // A date-time must say its zone; a bare date means midnight UTC.
  if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(v)) {
    const t = Date.parse(v);
    if (!Number.isNaN(t)) return new Date(t).toISOString();
  }
  throw new UsageError(`${name} must be ISO-8601 with a zone (2025-11-28T04:00:00Z), "now" or relative like -15m, got ${JSON.stringify(value)}`);
}
