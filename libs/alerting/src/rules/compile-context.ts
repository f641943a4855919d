import { DURATION_HINT, parseDuration } from '../duration.js';
import type { AlertingIssue } from '../errors.js';
import { type CompiledMatcher, type MatcherInput, type PatternLimits, compileMatcher, isLabelName } from '../labels/index.js';

/** Collects every problem of a rule file (not just the first), each with the path of its field. */
export class CompileContext {
  readonly issues: AlertingIssue[] = [];

  constructor(readonly limits: PatternLimits) {}

  report(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  duration(value: string | 0 | undefined, fallback: string, path: string): number {
    if (value === undefined || value === 0) return value === 0 ? 0 : (parseDuration(fallback) ?? 0);
    const ms = parseDuration(value);
    if (ms === undefined) {
      this.report(path, `${JSON.stringify(value)} is not ${DURATION_HINT}`);
      return 0;
    }
    return ms;
  }

  matchers(inputs: readonly MatcherInput[] | undefined, path: string): CompiledMatcher[] {
    const out: CompiledMatcher[] = [];
    (inputs ?? []).forEach((input, index) => {
      const compiled = compileMatcher(input, this.limits);
      if (compiled.ok) out.push(compiled.value);
      else this.report(`${path}.${index}`, compiled.message);
    });
    return out;
  }

  labelNames(names: readonly string[] | undefined, path: string): string[] {
    const out: string[] = [];
    (names ?? []).forEach((name, index) => {
      if (isLabelName(name)) out.push(name);
      else this.report(`${path}.${index}`, `${JSON.stringify(name)} is not a label name (letters, digits, _; not a digit first)`);
    });
    return out;
  }
}
