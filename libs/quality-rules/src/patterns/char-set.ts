/**
 * Sets of Unicode code points as sorted, disjoint, non-adjacent inclusive ranges: what one position
 * of a pattern can match. Only the few operations the linear-subset analysis needs.
 */
export type CharSet = readonly (readonly [number, number])[];

export const MAX_CODE_POINT = 0x10ffff;

export function single(cp: number): CharSet {
  return [[cp, cp]];
}

/** Sorts and merges overlapping or adjacent ranges. */
export function normalise(ranges: readonly (readonly [number, number])[]): CharSet {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out.at(-1);
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

export function union(a: CharSet, b: CharSet): CharSet {
  return normalise([...a, ...b]);
}

export function complement(set: CharSet): CharSet {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of set) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

export function intersects(a: CharSet, b: CharSet): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [alo, ahi] = a[i]!;
    const [blo, bhi] = b[j]!;
    if (alo <= bhi && blo <= ahi) return true;
    if (ahi < bhi) i++;
    else j++;
  }
  return false;
}

/** A JavaScript character class (for a `u`-flag RegExp) matching exactly this set. */
export function toJsClass(set: CharSet): string {
  if (set.length === 0) return '[]'; // matches nothing, like RE2's empty class
  const esc = (cp: number) => `\\u{${cp.toString(16)}}`;
  return `[${set.map(([lo, hi]) => (lo === hi ? esc(lo) : `${esc(lo)}-${esc(hi)}`)).join('')}]`;
}

// RE2's Perl classes are ASCII-only (unlike JavaScript's \s, which includes Unicode spaces and \v).
export const DIGIT: CharSet = [[0x30, 0x39]];
export const WORD: CharSet = normalise([
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
]);
export const SPACE: CharSet = normalise([
  [0x09, 0x0a],
  [0x0c, 0x0d],
  [0x20, 0x20],
]);
/** RE2's `.` without the `s` flag: anything but `\n`. */
export const ANY_BUT_NEWLINE: CharSet = complement(single(0x0a));
