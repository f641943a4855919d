import type { ExpectationResult } from '../expectations/types.js';
import type { FailingRecordSample, QualityWindowMetrics, RuleFailureMetrics } from '../types.js';
import type { ResolvedQualityIssueOptions } from './options.js';
import type { QualitySignalKind } from './types.js';

/** One signal's reading in one window, ready to be judged. */
export interface SignalObservation {
  readonly signal: string;
  readonly kind: QualitySignalKind;
  readonly ruleId?: string;
  readonly expectationId?: string;
  readonly metric: string;
  readonly value: number;
  /** The declared bound was crossed. */
  readonly breach: boolean;
  readonly threshold: { readonly min?: number; readonly max?: number };
  /** Which side is bad, for drops against the baseline and for the worst value. */
  readonly worse: 'lower' | 'higher';
  /** Judge drops against the baseline (not for volume: traffic has daily seasons a mean ignores). */
  readonly anomalies: boolean;
  /** The least distance from the baseline mean that counts as a drop. */
  readonly minDelta: number;
  readonly severity: 'error' | 'warn';
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly samples: readonly FailingRecordSample[];
}

export const SCORE_SIGNAL = 'score';
export const RULE_PREFIX = 'rule:';
export const EXPECTATION_PREFIX = 'expectation:';

/**
 * The signals of one window, in a fixed order (score, expectations by id, rules by id) so transitions
 * come out in the same order on every replay. `knownRuleIds` are rules with state: a rule absent from
 * a window with records failed on none of them (rate 0), which is how its issue resolves.
 */
export function observeSignals(
  window: QualityWindowMetrics,
  results: readonly ExpectationResult[],
  readsScoreAndRules: boolean,
  knownRuleIds: Iterable<string>,
  options: ResolvedQualityIssueOptions,
): SignalObservation[] {
  const at = { windowStart: window.windowStart, windowEnd: window.windowEnd };
  const observations: SignalObservation[] = [];
  if (readsScoreAndRules && window.score !== null) {
    observations.push({
      signal: SCORE_SIGNAL,
      kind: 'score',
      metric: 'score',
      value: window.score,
      breach: window.score < options.minScore,
      threshold: { min: options.minScore },
      worse: 'lower',
      anomalies: true,
      minDelta: options.minScoreDrop,
      severity: 'warn',
      ...at,
      samples: samplesOf(window.rules, () => true, options.maxEvidenceSamples),
    });
  }
  const sortedResults = [...results].sort((a, b) => compare(a.expectationId, b.expectationId));
  for (const r of sortedResults) {
    if (r.observedValue === null) continue;
    const belowMin = r.min !== undefined && r.observedValue < r.min;
    observations.push({
      signal: `${EXPECTATION_PREFIX}${r.expectationId}`,
      kind: 'expectation',
      expectationId: r.expectationId,
      metric: r.type,
      value: r.observedValue,
      breach: !r.success,
      threshold: { ...(r.min !== undefined ? { min: r.min } : {}), ...(r.max !== undefined ? { max: r.max } : {}) },
      worse: r.type === 'volume' && !belowMin && r.max !== undefined && r.observedValue > r.max ? 'higher' : 'lower',
      anomalies: r.type !== 'volume',
      minDelta: options.minRateChange,
      severity: 'error',
      ...at,
      samples: samplesOf(window.rules, expectationEvidence(r), options.maxEvidenceSamples),
    });
  }
  if (readsScoreAndRules && window.counts.records > 0) {
    const byId = new Map(window.rules.map((rule) => [rule.ruleId, rule]));
    const ruleIds = new Set([...knownRuleIds, ...byId.keys()]);
    for (const ruleId of [...ruleIds].sort(compare)) {
      const rule = byId.get(ruleId);
      const rate = rule?.failureRate ?? 0;
      observations.push({
        signal: `${RULE_PREFIX}${ruleId}`,
        kind: 'rule',
        ruleId,
        metric: 'failureRate',
        value: rate,
        breach: rate > options.maxRuleFailureRate,
        threshold: { max: options.maxRuleFailureRate },
        worse: 'higher',
        anomalies: true,
        minDelta: options.minRateChange,
        severity: rule?.severity ?? 'warn',
        ...at,
        samples: rule ? rule.samples.slice(0, options.maxEvidenceSamples) : [],
      });
    }
  }
  return observations;
}

/** Which rules' failing records illustrate a failed expectation. */
function expectationEvidence(r: ExpectationResult): (rule: RuleFailureMetrics) => boolean {
  switch (r.type) {
    case 'volume':
      return () => false;
    case 'completeness':
      return (rule) => rule.field === r.field;
    case 'validity':
      return (rule) => rule.severity === 'error' && (r.field === undefined || rule.field === r.field);
  }
}

/** Samples of the matching rules, the most failing rule first. */
function samplesOf(
  rules: readonly RuleFailureMetrics[],
  matches: (rule: RuleFailureMetrics) => boolean,
  max: number,
): FailingRecordSample[] {
  const ordered = rules.filter(matches).sort((a, b) => b.records - a.records || compare(a.ruleId, b.ruleId));
  return ordered.flatMap((rule) => rule.samples).slice(0, max);
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
