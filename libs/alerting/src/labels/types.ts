/** A label set: names to values. An empty value means the label is absent (as in Prometheus). */
export type Labels = Readonly<Record<string, string>>;

/** Alertmanager's matcher operators: equal, not equal, regex match, regex non-match. */
export type MatchType = '=' | '!=' | '=~' | '!~';

/** One label matcher, e.g. `{ name: 'service', type: '=~', value: 'quality-.*' }`. */
export interface LabelMatcher {
  readonly name: string;
  readonly type: MatchType;
  readonly value: string;
}

/**
 * A matcher as written: Alertmanager's text form (`service="cpm"`, `severity=~"warning|critical"`,
 * `team!=data`) or the object form.
 */
export type MatcherInput = string | LabelMatcher;

/** A matcher ready to test label sets (regexes compiled with RE2: linear time, no backtracking). */
export interface CompiledMatcher extends LabelMatcher {
  /** True when the label set satisfies the matcher; a missing label reads as the empty string. */
  matches(labels: Labels): boolean;
}

/** Limits on user-supplied regexes (they run against every alert and every series). */
export interface PatternLimits {
  /** Longest pattern, in characters. */
  readonly maxPatternLength: number;
  /** Largest compiled RE2 program, in instructions. */
  readonly maxPatternProgramSize: number;
}
