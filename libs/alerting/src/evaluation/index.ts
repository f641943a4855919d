export { AlertEvaluator } from './evaluator.js';
export { alertEvaluatorDefaults, resolveAlertEvaluatorOptions } from './options.js';
export type { AlertEvaluatorOptions, ResolvedAlertEvaluatorOptions } from './options.js';
export { ruleMetrics } from './rule-metrics.js';
export type { RuleMetrics } from './rule-metrics.js';
export type { AlertEvaluatorSnapshot } from './snapshot.js';
export type { ActiveAlert, AlertEvaluatorStats, AlertStateChange, AnomalySignal, SeriesSample } from './types.js';
