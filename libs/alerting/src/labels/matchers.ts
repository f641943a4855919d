import { RE2JS, RE2JSException } from 're2js';
import type { CompiledMatcher, LabelMatcher, Labels, MatchType, MatcherInput, PatternLimits } from './types.js';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isLabelName(name: string): boolean {
  return LABEL_NAME.test(name);
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; message: string };

/** Reads a Go-style double-quoted string starting at `start` (the opening quote). */
function readQuoted(text: string, start: number): { value: string; end: number } | undefined {
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '"') return { value, end: i + 1 };
    if (c === '\\') {
      const next = text.charAt(i + 1);
      const escaped: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', t: '\t' };
      const replacement = escaped[next];
      if (replacement === undefined) return undefined;
      value += replacement;
      i++;
    } else {
      value += c;
    }
  }
  return undefined;
}

/**
 * Parses Alertmanager's matcher text: `name op value`, where op is `=`, `!=`, `=~` or `!~` and the
 * value is either double-quoted (with `\"`, `\\`, `\n`, `\t` escapes) or the rest of the text.
 */
export function parseMatcher(text: string): Outcome<LabelMatcher> {
  const trimmed = text.trim();
  let i = 0;
  while (i < trimmed.length && /[a-zA-Z0-9_]/.test(trimmed.charAt(i))) i++;
  const name = trimmed.slice(0, i);
  if (!isLabelName(name)) {
    return { ok: false, message: `${JSON.stringify(text)} does not start with a label name (letters, digits, _; not a digit first)` };
  }
  while (trimmed.charAt(i) === ' ') i++;
  const two = trimmed.slice(i, i + 2);
  let type: MatchType;
  if (two === '=~' || two === '!~' || two === '!=') type = two;
  else if (trimmed.charAt(i) === '=') type = '=';
  else return { ok: false, message: `${JSON.stringify(text)} has no operator after ${name} (one of =, !=, =~, !~)` };
  i += type.length;
  while (trimmed.charAt(i) === ' ') i++;
  if (trimmed.charAt(i) !== '"') return { ok: true, value: { name, type, value: trimmed.slice(i) } };
  const quoted = readQuoted(trimmed, i);
  if (quoted === undefined || trimmed.slice(quoted.end).trim() !== '') {
    return { ok: false, message: `${JSON.stringify(text)} has a badly quoted value (close the quote; escape only \\" \\\\ \\n \\t)` };
  }
  return { ok: true, value: { name, type, value: quoted.value } };
}

/** The matcher's canonical text, as Alertmanager prints it: `name="value"`. */
export function formatMatcher(matcher: LabelMatcher): string {
  return `${matcher.name}${matcher.type}${JSON.stringify(matcher.value)}`;
}

/**
 * Compiles a matcher. Regexes are RE2 (re2js) and, as in Alertmanager, anchored at both ends:
 * `=~"quality-.*"` must match the whole value. RE2 runs in time linear in the value and refuses
 * constructs that need backtracking, so no pattern can stall the evaluator.
 */
export function compileMatcher(input: MatcherInput, limits: PatternLimits): Outcome<CompiledMatcher> {
  let matcher: LabelMatcher;
  if (typeof input === 'string') {
    const parsed = parseMatcher(input);
    if (!parsed.ok) return parsed;
    matcher = parsed.value;
  } else {
    if (!isLabelName(input.name)) return { ok: false, message: `${JSON.stringify(input.name)} is not a label name` };
    matcher = { name: input.name, type: input.type, value: input.value };
  }
  const { name, type, value } = matcher;
  if (type === '=') return { ok: true, value: { name, type, value, matches: (l: Labels) => (l[name] ?? '') === value } };
  if (type === '!=') return { ok: true, value: { name, type, value, matches: (l: Labels) => (l[name] ?? '') !== value } };
  const regex = compileRegex(value, limits);
  if (!regex.ok) return { ok: false, message: `${formatMatcher(matcher)}: ${regex.message}` };
  const re = regex.value;
  const matches = type === '=~' ? (l: Labels) => re.matches(l[name] ?? '') : (l: Labels) => !re.matches(l[name] ?? '');
  return { ok: true, value: { name, type, value, matches } };
}

function compileRegex(source: string, limits: PatternLimits): Outcome<RE2JS> {
  if (source.length > limits.maxPatternLength) {
    return { ok: false, message: `pattern is longer than ${limits.maxPatternLength} characters` };
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (err) {
    const message = err instanceof RE2JSException ? err.message : String(err);
    return { ok: false, message: `pattern does not compile (RE2 syntax): ${message.replace(/^error parsing regexp: /, '')}` };
  }
  const size = re.programSize();
  if (size > limits.maxPatternProgramSize) {
    return { ok: false, message: `pattern is too large: ${size} RE2 instructions (at most ${limits.maxPatternProgramSize})` };
  }
  return { ok: true, value: re };
}

/** True when every matcher matches (an empty list matches everything). */
export function matchesAll(matchers: readonly CompiledMatcher[], labels: Labels): boolean {
  for (const m of matchers) if (!m.matches(labels)) return false;
  return true;
}
