export { anomalyDefaults, resolveAnomalyOptions } from './options.js';
export type { AnomalyDirection, AnomalyOptions, ResolvedAnomalyOptions } from './options.js';
export type {
  AnomalyEvidence,
  AnomalyKind,
  AnomalyResolution,
  AnomalyTransition,
  BaselineReference,
  CusumEvidence,
  JudgedPoint,
  MetricAnomaly,
} from './types.js';
