import type { MetricAnomaly } from '../anomaly/types.js';
import { type Baseline, emptyBaseline } from '../baseline/baseline.js';
import type { RollingStats } from '../baseline/stats.js';
import type { MetricKind } from './types.js';

/** The last raw sample of one instance: what the next sample's delta is taken from. */
export interface InstanceCursor {
  at: number;
  /** Counter total, gauge value or histogram sum. */
  value: number;
  /** Histogram observation count. */
  count?: number;
}

/** One side (up or down) of the tabular CUSUM. */
export interface CusumSide {
  /** The statistic, in standard deviations; 0 when in control. */
  s: number;
  /** Observations since it was last 0. */
  points: number;
  /** Time of the first observation after it was last 0 (the change-point estimate). */
  since: number;
}

/** A deviating observation waiting for n in a row. */
export interface StreakPoint {
  at: number;
  from: number;
  value: number;
  zScore: number;
  /** Already folded into its (then learning) hour bucket: only the overall baseline takes it later. */
  hourLearned: boolean;
}

export interface DetectorState {
  /** Deviating observations in a row, fewer than n: not in the baseline until they turn out to be a blip. */
  streak: StreakPoint[];
  cusumUp: CusumSide;
  cusumDown: CusumSide;
  open: MetricAnomaly | undefined;
  /** Observations since the open anomaly opened. */
  openPoints: number;
  /** Rolling statistics of the observations while open: the new level if the anomaly is adapted to. */
  shadow: RollingStats | undefined;
}

/** Everything known about one series. Mutable: the book owns it and updates it per point. */
export interface SeriesState {
  readonly key: string;
  readonly service: string;
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly kind: MetricKind;
  readonly instances: Map<string, InstanceCursor>;
  baseline: Baseline;
  /** Observations derived (judged or learned) so far. */
  points: number;
  lastAt: number | undefined;
  lastValue: number | undefined;
  detector: DetectorState;
}

export function emptyCusum(): CusumSide {
  return { s: 0, points: 0, since: 0 };
}

export function emptyDetector(): DetectorState {
  return { streak: [], cusumUp: emptyCusum(), cusumDown: emptyCusum(), open: undefined, openPoints: 0, shadow: undefined };
}

export function newSeriesState(key: string, identity: { service: string; metric: string; labels: Readonly<Record<string, string>> }, kind: MetricKind): SeriesState {
  return {
    key,
    service: identity.service,
    metric: identity.metric,
    labels: identity.labels,
    kind,
    instances: new Map(),
    baseline: emptyBaseline(),
    points: 0,
    lastAt: undefined,
    lastValue: undefined,
    detector: emptyDetector(),
  };
}

/** What a series' observations measure. */
export function measureOf(kind: MetricKind): 'rate' | 'value' | 'mean' {
  return kind === 'counter' ? 'rate' : kind === 'histogram' ? 'mean' : 'value';
}
