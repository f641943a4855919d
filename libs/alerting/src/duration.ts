/**
 * Durations as Prometheus and Alertmanager write them: units from largest to smallest, each at most
 * once, e.g. `30s`, `5m`, `1h30m`, `2d`, `500ms`, or `0`. Parsed by hand (no user-supplied pattern).
 */
const UNITS: readonly (readonly [string, number])[] = [
  ['y', 365 * 24 * 3_600_000],
  ['w', 7 * 24 * 3_600_000],
  ['d', 24 * 3_600_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
];

/** Longest duration text read; anything longer is not a duration anyone writes. */
const MAX_DURATION_TEXT = 40;

/** Milliseconds of a Prometheus duration, or undefined when `text` is not one. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  if (text.length === 0 || text.length > MAX_DURATION_TEXT) return undefined;
  let total = 0;
  let position = 0;
  let nextUnit = 0;
  while (position < text.length) {
    let end = position;
    while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
    if (end === position) return undefined;
    const amount = Number(text.slice(position, end));
    let unitEnd = end;
    while (unitEnd < text.length && /[a-z]/.test(text.charAt(unitEnd))) unitEnd++;
    const unit = text.slice(end, unitEnd);
    const index = UNITS.findIndex(([name]) => name === unit);
    // Each unit at most once and in decreasing order, as Prometheus requires.
    if (index < nextUnit) return undefined;
    total += amount * (UNITS[index] as readonly [string, number])[1];
    nextUnit = index + 1;
    position = unitEnd;
  }
  return Number.isSafeInteger(total) ? total : undefined;
}

/** The shortest Prometheus text of `ms` (`90000` → `1m30s`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let text = '';
  for (const [unit, size] of UNITS) {
    if (unit === 'y' || unit === 'w') continue;
    const amount = Math.floor(rest / size);
    if (amount > 0) {
      text += `${amount}${unit}`;
      rest -= amount * size;
    }
  }
  return text;
}

export const DURATION_HINT = 'a duration like 30s, 5m, 1h30m or 0';
