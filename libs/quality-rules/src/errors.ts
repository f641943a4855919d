import type { RuleSetIssue } from './types.js';

/**
 * Errors of @tributary/quality-rules. A rule set is user input: retrying never fixes it, so nothing
 * here is retriable. Records that fail rules are not errors: `evaluate` returns them as failures.
 */
export type QualityRulesErrorCode = 'TRIB_QUALITY_RULES_INVALID' | 'TRIB_QUALITY_RULES_OPTIONS_INVALID';

/** A rule set was refused; `issues` names every offending rule (id, path, field) and why. */
export class RuleSetError extends Error {
  readonly code: QualityRulesErrorCode = 'TRIB_QUALITY_RULES_INVALID';
  readonly retriable = false;

  constructor(
    readonly issues: readonly RuleSetIssue[],
    options?: { cause?: unknown },
  ) {
    super(summarise(issues), options);
    this.name = 'RuleSetError';
  }
}

/** `compileRuleSet` was called with invalid options: a bug in the caller, not in the rule set. */
export class QualityRulesOptionsError extends Error {
  readonly code: QualityRulesErrorCode = 'TRIB_QUALITY_RULES_OPTIONS_INVALID';
  readonly retriable = false;

  constructor(message: string) {
    super(message);
    this.name = 'QualityRulesOptionsError';
  }
}

function summarise(issues: readonly RuleSetIssue[]): string {
  const [first] = issues;
  if (!first) return 'Invalid quality rule set';
  const rule = first.ruleId === undefined ? '' : `rule "${first.ruleId}"${first.field === undefined ? '' : ` (${first.field})`}, `;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return `Invalid quality rule set: ${rule}${first.path || '/'}: ${first.message}${more}`;
}

/**
 * A rule could not be evaluated on a record (a value of the wrong kind, a CEL runtime error). Never
 * leaves `evaluate`: it becomes a failure with severity `error` and message `evaluation error: …`.
 */
export class RuleEvaluationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuleEvaluationError';
  }
}
