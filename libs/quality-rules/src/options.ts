import { pipelineDefaults } from '@tributary/pipelines';
import { QualityRulesOptionsError } from './errors.js';
import type { Severity } from './types.js';

/**
 * Limits on one rule set. A rule set is user input evaluated on every record, so each limit bounds
 * the work or memory one definition can demand of a quality manager.
 */
export interface RuleSetLimits {
  /** Rules per set, per-record and window ones together. */
  readonly maxRules: number;
  /** Characters of a `regex` pattern. */
  readonly maxPatternLength: number;
  /** Instructions of a compiled pattern (RE2 program size): `[a-z]{1000}` is short text but a big program. */
  readonly maxPatternProgramSize: number;
  /** Values of one `in_set` rule. */
  readonly maxSetValues: number;
  /** Named lookups of a set. */
  readonly maxLookups: number;
  /** Values of one lookup. */
  readonly maxLookupValues: number;
  /** Characters of an `expression` rule. */
  readonly maxExpressionLength: number;
  /** Characters of a rule's `message`. */
  readonly maxMessageLength: number;
  /** Longest `window`, `maxAge` or `maxFuture`, in ms. */
  readonly maxWindowMs: number;
}

/** Defaults of rule sets and compiled rules, in one place. */
export const qualityRulesDefaults = {
  /** Severity of a rule that names none: a failing record is quarantined. */
  severity: 'error' satisfies Severity as Severity,
  /**
   * Keys a `unique` rule remembers per evaluator (partition), oldest forgotten first: the same bound
   * as the pipeline dedupe stage (100k keys ≈ 10 MB).
   */
  uniqueMaxKeys: pipelineDefaults.dedupeMaxKeys,
  /**
   * How far in the future a `freshness` event time may be: producer clocks drift by seconds, while
   * event times in µs or ns (a common unit mistake) land years ahead.
   */
  freshnessMaxFuture: '5m',
  limits: {
    maxRules: 200,
    maxPatternLength: 500,
    maxPatternProgramSize: 5000,
    maxSetValues: 10_000,
    maxLookups: 100,
    maxLookupValues: 100_000,
    /** The pipeline expression limit, so a rule accepts what a map or filter stage accepts. */
    maxExpressionLength: pipelineDefaults.expressionMaxLength,
    maxMessageLength: 500,
    /** 7 days, like dedupe windows: `unique` state is in memory. */
    maxWindowMs: pipelineDefaults.dedupeMaxWindowMs,
  } satisfies RuleSetLimits as RuleSetLimits,
} as const;

export interface CompileRuleSetOptions {
  /**
   * JSON pointer prepended to every issue path, e.g. `/quality` when the rule set sits under
   * `quality:` in a pipeline definition. Default `''` (paths relative to the rule set).
   */
  readonly basePath?: string;
  /** Overrides of `qualityRulesDefaults.limits`. */
  readonly limits?: Partial<RuleSetLimits>;
}

export interface ResolvedOptions {
  readonly basePath: string;
  readonly limits: RuleSetLimits;
}

/** Options with defaults applied; throws QualityRulesOptionsError on a programming mistake. */
export function resolveOptions(options: CompileRuleSetOptions = {}): ResolvedOptions {
  const basePath = options.basePath ?? '';
  if (basePath !== '' && !basePath.startsWith('/')) {
    throw new QualityRulesOptionsError(`basePath must be a JSON pointer ('' or starting with /), got ${JSON.stringify(basePath)}`);
  }
  const limits = { ...qualityRulesDefaults.limits, ...options.limits };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new QualityRulesOptionsError(`limits.${name} must be a positive integer, got ${String(value)}`);
    }
  }
  return { basePath, limits };
}
