import { RE2JS, RE2JSException } from 're2js';
import { linearRegExp } from './linear-subset.js';

/**
 * Patterns of `regex` rules are user input run against every record, so a pattern must never be
 * able to take exponential (or quadratic) time: `(a+)+$` against `aaaa…b` stalls V8's backtracking
 * engine for minutes and with it the partition.
 *
 * The engine is RE2 through `re2js`, a pure-JavaScript port (no native build, nothing fetched at
 * install), maintained and MIT-licensed: RE2 guarantees time linear in the input and refuses the
 * constructs that need backtracking (backreferences, lookarounds). Its syntax is the RE2/Go syntax
 * that Kafka Connect, Redpanda Connect and Prometheus users already write.
 *
 * RE2 in JavaScript costs ~0.3–1 µs per short string, ten times V8's native engine. Patterns in a
 * subset that is provably linear under backtracking — anchored with `^`, flat, deterministic (see
 * linear-subset.ts), which covers most field-format checks such as `^[^@]+@[^@]+$` or
 * `^[A-Z]{2}-[0-9]{4}$` — run on a native RegExp generated from the parsed pattern; RE2 must also
 * find them one-pass, a second, independent opinion. Both engines match the same strings.
 */
export type PatternEngine = 're2' | 'native-linear';

export interface CompiledPattern {
  readonly source: string;
  readonly engine: PatternEngine;
  /** True when the pattern matches somewhere in `value`. */
  test(value: string): boolean;
  /** The native RegExp of a `native-linear` pattern, for callers that test in a hot loop. */
  readonly native?: RegExp;
}

export type PatternOutcome = { ok: true; pattern: CompiledPattern } | { ok: false; message: string };

export interface PatternLimits {
  readonly maxPatternLength: number;
  readonly maxPatternProgramSize: number;
}

export function compilePattern(source: string, limits: PatternLimits): PatternOutcome {
  if (source.length > limits.maxPatternLength) {
    return { ok: false, message: `pattern is longer than ${limits.maxPatternLength} characters` };
  }
  let re2: RE2JS;
  try {
    re2 = RE2JS.compile(source);
  } catch (err) {
    const message = err instanceof RE2JSException ? err.message : String(err);
    return { ok: false, message: `pattern does not compile (RE2 syntax): ${message.replace(/^error parsing regexp: /, '')}` };
  }
  const size = re2.programSize();
  if (size > limits.maxPatternProgramSize) {
    return { ok: false, message: `pattern is too large: ${size} RE2 instructions (at most ${limits.maxPatternProgramSize})` };
  }
  const native = re2.re2Input.onepass !== null ? linearRegExp(source) : undefined;
  if (native) return { ok: true, pattern: { source, engine: 'native-linear', native, test: (value) => native.test(value) } };
  return { ok: true, pattern: { source, engine: 're2', test: (value) => re2.test(value) } };
}
