import type { SignalObservation } from './signals.js';
import type { IssueBaseline, IssueReason } from './types.js';

/** One readable line for an alert: what, how much, against what. */
export function issueSummary(o: SignalObservation, reason: IssueReason, baseline: IssueBaseline | undefined): string {
  const what = subject(o);
  const value = formatValue(o.metric, o.value);
  if (reason === 'anomaly' && baseline) {
    const verb = o.worse === 'lower' ? 'dropped to' : 'rose to';
    return `${what} ${verb} ${value} from a baseline of ${formatValue(o.metric, baseline.mean)} (±${formatValue(o.metric, baseline.stdDev)} over ${baseline.windows} windows)`;
  }
  const { min, max } = o.threshold;
  if (min !== undefined && o.value < min) return `${what} ${value} is below the minimum ${formatValue(o.metric, min)}`;
  if (max !== undefined && o.value > max) return `${what} ${value} is above the maximum ${formatValue(o.metric, max)}`;
  return `${what} is ${value}`;
}

function subject(o: SignalObservation): string {
  switch (o.kind) {
    case 'score':
      return 'quality score';
    case 'rule':
      return `failure rate of rule ${o.ruleId ?? ''}`;
    case 'expectation':
      return `${o.metric} of expectation ${o.expectationId ?? ''}`;
  }
}

/** Ratios as percentages, scores with up to 2 decimals, volumes as counts. */
export function formatValue(metric: string, value: number): string {
  if (metric === 'score' || metric === 'volume') return String(Math.round(value * 100) / 100);
  return `${Math.round(value * 10_000) / 100}%`;
}
