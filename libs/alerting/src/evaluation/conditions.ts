import { type Labels, matchesAll } from '../labels/index.js';
import type { AbsentRule, AlertRule, AnomalyRule, ComparisonOperator, RateOfChangeRule, ThresholdRule } from '../rules/index.js';
import type { SeriesIndex, SeriesState, SignalState } from './series-store.js';

/** One series as a rule sees it at an evaluation: its labels, the value judged, and whether the condition holds. */
export interface RuleElement {
  readonly labels: Labels;
  readonly value: number | null;
  readonly active: boolean;
}

export interface EvaluationInput {
  readonly now: number;
  readonly stalenessMs: number;
  readonly samples: SeriesIndex<SeriesState>;
  readonly signals: SeriesIndex<SignalState>;
  /** When the evaluator first evaluated this rule, and whether any series ever matched it. */
  readonly ruleState: { readonly startedAt: number; seen: boolean };
}

export function compare(observed: number, op: ComparisonOperator, value: number): boolean {
  switch (op) {
    case '>':
      return observed > value;
    case '>=':
      return observed >= value;
    case '<':
      return observed < value;
    case '<=':
      return observed <= value;
    case '==':
      return observed === value;
    case '!=':
      return observed !== value;
  }
}

function* freshSeries(rule: AlertRule, input: EvaluationInput): Generator<SeriesState> {
  for (const state of input.samples.series(rule.selector.metric)) {
    const latest = state.times[state.times.length - 1];
    if (latest === undefined || input.now - latest > input.stalenessMs) continue;
    if (matchesAll(rule.selector.matchers, state.labels)) yield state;
  }
}

function threshold(rule: ThresholdRule, input: EvaluationInput): RuleElement[] {
  const out: RuleElement[] = [];
  for (const state of freshSeries(rule, input)) {
    const value = state.values[state.values.length - 1] as number;
    out.push({ labels: state.labels, value, active: compare(value, rule.threshold.op, rule.threshold.value) });
  }
  return out;
}

/**
 * The change between the oldest sample within the window (before the latest) and the latest one,
 * scaled to `per`: a series needs two samples at different times inside the window to be judged.
 * In percent, the change is relative to the oldest value (which must not be 0).
 */
function rateOfChange(rule: RateOfChangeRule, input: EvaluationInput): RuleElement[] {
  const { windowMs, perMs, unit, op, value: limit } = rule.rateOfChange;
  const out: RuleElement[] = [];
  for (const state of freshSeries(rule, input)) {
    const last = state.times.length - 1;
    const latestTime = state.times[last] as number;
    let first = 0;
    while (first < last && (state.times[first] as number) < latestTime - windowMs) first++;
    const span = latestTime - (state.times[first] as number);
    if (first === last || span <= 0) continue;
    const from = state.values[first] as number;
    let change = (state.values[last] as number) - from;
    if (unit === 'percent') {
      if (from === 0) continue;
      change = (change / Math.abs(from)) * 100;
    }
    const rate = (change * perMs) / span;
    out.push({ labels: state.labels, value: rate, active: compare(rate, op, limit) });
  }
  return out;
}

function anomaly(rule: AnomalyRule, input: EvaluationInput): RuleElement[] {
  const { minScore, direction } = rule.anomaly;
  const out: RuleElement[] = [];
  for (const signal of input.signals.series(rule.selector.metric)) {
    if (input.now - signal.time > input.stalenessMs || !matchesAll(rule.selector.matchers, signal.labels)) continue;
    const active = direction === 'above' ? signal.score >= minScore : direction === 'below' ? signal.score <= -minScore : Math.abs(signal.score) >= minScore;
    out.push({ labels: signal.labels, value: signal.value, active });
  }
  return out;
}

/**
 * Per series: absent once its last sample is older than the window. When no series has matched
 * since the rule started, the selector itself is absent once the window has passed since then; that
 * alert carries the selector's `=` matchers as labels, like Prometheus' `absent()`.
 */
function absent(rule: AbsentRule, input: EvaluationInput): RuleElement[] {
  const { windowMs } = rule.absent;
  const out: RuleElement[] = [];
  for (const state of input.samples.series(rule.selector.metric)) {
    if (!matchesAll(rule.selector.matchers, state.labels)) continue;
    input.ruleState.seen = true;
    out.push({ labels: state.labels, value: null, active: input.now - state.lastSeen > windowMs });
  }
  if (!input.ruleState.seen) {
    const labels: Record<string, string> = {};
    for (const m of rule.selector.matchers) if (m.type === '=' && m.value !== '') labels[m.name] = m.value;
    out.push({ labels, value: null, active: input.now - input.ruleState.startedAt > windowMs });
  }
  return out;
}

export function evaluateRule(rule: AlertRule, input: EvaluationInput): RuleElement[] {
  switch (rule.kind) {
    case 'threshold':
      return threshold(rule, input);
    case 'rate_of_change':
      return rateOfChange(rule, input);
    case 'anomaly':
      return anomaly(rule, input);
    case 'absent':
      return absent(rule, input);
  }
}
