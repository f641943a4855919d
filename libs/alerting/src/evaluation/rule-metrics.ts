import type { AlertRule } from '../rules/index.js';

/**
 * The metrics a rule set reads, by what feeds them. Threshold, rate-of-change and absent rules read
 * samples (`observe`); anomaly rules read anomaly signals only (`observeAnomaly`). A rule's metric
 * name is the only thing that decides whether a sample is kept: its matchers are applied when the
 * rule is evaluated, so a series that matches no selector today is still what an absent rule or a
 * later `setRules` may need.
 *
 * Built once per rule set (the evaluator rebuilds it in `setRules`), so a sample of a metric no rule
 * reads — most samples a monitoring manager sees — is dropped at one map lookup, before anything
 * copies, checks or canonicalises its labels.
 */
export interface RuleMetrics {
  /**
   * Metrics whose samples some rule reads, each with the longest rate-of-change window over it:
   * how much history its series keep (0: the latest sample, and the last sighting, are enough).
   */
  readonly sampleWindows: ReadonlyMap<string, number>;
  /** Metrics whose anomaly signals some anomaly rule reads. */
  readonly signalMetrics: ReadonlySet<string>;
}

/** What `rules` read (see RuleMetrics). Pure. */
export function ruleMetrics(rules: readonly AlertRule[]): RuleMetrics {
  const sampleWindows = new Map<string, number>();
  const signalMetrics = new Set<string>();
  for (const rule of rules) {
    const metric = rule.selector.metric;
    if (rule.kind === 'anomaly') {
      signalMetrics.add(metric);
      continue;
    }
    const window = rule.kind === 'rate_of_change' ? rule.rateOfChange.windowMs : 0;
    sampleWindows.set(metric, Math.max(window, sampleWindows.get(metric) ?? 0));
  }
  return { sampleWindows, signalMetrics };
}
