import {
  ANY_BUT_NEWLINE,
  type CharSet,
  DIGIT,
  SPACE,
  WORD,
  complement,
  intersects,
  normalise,
  single,
  toJsClass,
  union,
} from './char-set.js';

/**
 * Recognises the patterns that V8's own (backtracking) engine can run in linear time, and rewrites
 * them as an equivalent JavaScript RegExp. Everything else runs on RE2 (see compile.ts).
 *
 * The subset: `^`, then a flat sequence of single-character atoms (literals, `.`, classes, `\d\w\s`
 * and their negations, escapes), each with an optional quantifier, then an optional `$`; unquantified
 * groups are flattened. No alternation, no quantified groups, no flags, no `\b`. A sequence is
 * linear when it is deterministic: wherever a quantifier may either take one more character or stop,
 * the characters it takes are disjoint from those that can come next. With the start anchored, a
 * backtracker then never explores a wrong branch for more than one character, so matching is O(n).
 * (Nested quantifiers such as `(a+)+`, the classic catastrophic case, are outside the subset.)
 *
 * The JavaScript source is generated from the parsed sets, never copied from the pattern: classes
 * are written as explicit code-point ranges under the `u` flag, so `.`, `\s`, `\w` and `$` mean what
 * they mean in RE2 (no `\n` for `.`, ASCII-only `\s`/`\w`, `$` only at the end of the text).
 */
export interface LinearItem {
  readonly set: CharSet;
  readonly min: number;
  /** Infinity for `*`, `+`, `{n,}`. */
  readonly max: number;
}

/** The equivalent `u`-flag RegExp, or undefined when the pattern is outside the linear subset. */
export function linearRegExp(pattern: string): RegExp | undefined {
  const parsed = parseSubset(pattern);
  if (!parsed || !isDeterministic(parsed.items)) return undefined;
  const body = parsed.items.map((item) => toJsClass(item.set) + quantifier(item)).join('');
  return new RegExp(`^${body}${parsed.endAnchored ? '$' : ''}`, 'u');
}

export function isDeterministic(items: readonly LinearItem[]): boolean {
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.min === item.max) continue;
    // What can match the character after the quantifier stops: every following item up to and
    // including the first one that must match at least once.
    let next: CharSet = [];
    for (let j = i + 1; j < items.length; j++) {
      next = union(next, items[j]!.set);
      if (items[j]!.min > 0) break;
    }
    if (intersects(item.set, next)) return false;
  }
  return true;
}

function quantifier({ min, max }: LinearItem): string {
  if (min === 1 && max === 1) return '';
  if (max === Infinity) return `{${min},}`;
  return min === max ? `{${min}}` : `{${min},${max}}`;
}

const META = new Set([...'\\.+*?()|[]{}^$']);
const CONTROL_ESCAPES: Readonly<Record<string, number>> = { t: 0x09, n: 0x0a, r: 0x0d, f: 0x0c, v: 0x0b };
// Escaped punctuation that RE2 reads as the literal character.
const PUNCTUATION = new Set([...'\\.+*?()|[]{}^$-/#&~!%,:;<=>@`\'"_ ']);
const SHORTHANDS: Readonly<Record<string, CharSet>> = {
  d: DIGIT,
  D: complement(DIGIT),
  w: WORD,
  W: complement(WORD),
  s: SPACE,
  S: complement(SPACE),
};
const REPEAT = /^\{([0-9]{1,4})(?:(,)([0-9]{0,4}))?\}/;

/** A recursive-descent reader of the subset; returns undefined at the first construct outside it. */
function parseSubset(pattern: string): { items: LinearItem[]; endAnchored: boolean } | undefined {
  const chars = [...pattern]; // code points, as RE2 reads them
  if (chars[0] !== '^') return undefined;
  let pos = 1;
  let depth = 0;
  let endAnchored = false;
  const items: LinearItem[] = [];

  const escape = (c: string | undefined): CharSet | undefined => {
    if (c === undefined) return undefined;
    if (SHORTHANDS[c]) return SHORTHANDS[c];
    if (CONTROL_ESCAPES[c] !== undefined) return single(CONTROL_ESCAPES[c]);
    return PUNCTUATION.has(c) ? single(c.codePointAt(0)!) : undefined;
  };

  const readClass = (): CharSet | undefined => {
    // At `[`. Leading `]`, `-` anywhere but inside a range, nested `[` (POSIX classes): outside the subset.
    pos++;
    const negated = chars[pos] === '^';
    if (negated) pos++;
    if (chars[pos] === ']') return undefined;
    const ranges: (readonly [number, number])[] = [];
    for (;;) {
      const c = chars[pos];
      if (c === undefined || c === '[' || c === '-') return undefined;
      if (c === ']') break;
      let lo: CharSet | undefined;
      if (c === '\\') {
        lo = escape(chars[pos + 1]);
        pos += 2;
      } else {
        lo = single(c.codePointAt(0)!);
        pos++;
      }
      if (!lo) return undefined;
      if (chars[pos] === '-' && chars[pos + 1] !== ']') {
        const h = chars[pos + 1];
        if (h === undefined || h === '\\' || h === '[' || lo.length !== 1 || lo[0]![0] !== lo[0]![1]) return undefined;
        const from = lo[0]![0];
        const to = h.codePointAt(0)!;
        if (to < from) return undefined;
        ranges.push([from, to]);
        pos += 2;
      } else {
        ranges.push(...lo);
      }
    }
    pos++; // ]
    const set = normalise(ranges);
    return negated ? complement(set) : set;
  };

  const readQuantifier = (): { min: number; max: number } | undefined | 'invalid' => {
    const c = chars[pos];
    let q: { min: number; max: number } | undefined;
    if (c === '*') q = { min: 0, max: Infinity };
    else if (c === '+') q = { min: 1, max: Infinity };
    else if (c === '?') q = { min: 0, max: 1 };
    if (q) pos++;
    else if (c === '{') {
      const m = REPEAT.exec(chars.slice(pos, pos + 12).join(''));
      if (!m) return 'invalid'; // RE2 reads a malformed `{` as a literal: stay out of that
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      pos += m[0].length;
      q = { min, max };
    }
    if (!q) return undefined;
    if (chars[pos] === '?') pos++; // lazy: the same language, and determinism makes order irrelevant
    const after = chars[pos];
    if (after === '*' || after === '+' || after === '?' || after === '{') return 'invalid';
    return q;
  };

  while (pos < chars.length) {
    const c = chars[pos]!;
    let set: CharSet | undefined;
    if (c === '$') {
      if (pos !== chars.length - 1 || depth !== 0) return undefined;
      endAnchored = true;
      pos++;
      continue;
    } else if (c === '(') {
      // Plain and `(?:` groups; flags and named groups (`(?i)`, `(?P<n>`) are outside the subset.
      if (chars[pos + 1] === '?') {
        if (chars[pos + 2] !== ':') return undefined;
        pos += 3;
      } else {
        pos++;
      }
      depth++;
      continue;
    } else if (c === ')') {
      if (depth === 0) return undefined;
      depth--;
      pos++;
      // Unquantified groups only: `(ab)+` repeats a sequence, which the flat analysis does not cover.
      if (readQuantifier() !== undefined) return undefined;
      continue;
    } else if (c === '[') {
      set = readClass();
    } else if (c === '\\') {
      set = escape(chars[pos + 1]);
      pos += 2;
    } else if (c === '.') {
      set = ANY_BUT_NEWLINE;
      pos++;
    } else if (!META.has(c)) {
      set = single(c.codePointAt(0)!);
      pos++;
    }
    if (!set) return undefined;
    const q = readQuantifier();
    if (q === 'invalid') return undefined;
    const { min, max } = q ?? { min: 1, max: 1 };
    if (max > 0) items.push({ set, min, max });
  }
  return depth === 0 ? { items, endAnchored } : undefined;
}
