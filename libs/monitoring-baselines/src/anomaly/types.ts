import type { MetricKind } from '../series/types.js';

/**
 * `deviation`: k σ or more from the baseline for n observations in a row (a spike, an outage).
 * `level_shift`: a sustained shift smaller than k σ, found by a CUSUM (see detector.ts).
 */
export type AnomalyKind = 'deviation' | 'level_shift';

/** `recovered`: the series came back to its baseline. `adapted`: it stayed away long enough to become the baseline. */
export type AnomalyResolution = 'recovered' | 'adapted';

/** The baseline a value was judged against. */
export interface BaselineReference {
  readonly mean: number;
  /** The standard deviation used for z-scores: the rolling one, raised to the configured floors. */
  readonly stdDev: number;
  /** Observations behind the mean and deviation. */
  readonly points: number;
  /** The overall baseline, or the one of the value's hour of the day. */
  readonly source: 'overall' | 'hour';
  /** Hour of the day (0..23) when `source` is `hour`. */
  readonly hour?: number;
}

/** One observation as judged: when, its value and its z-score. */
export interface JudgedPoint {
  readonly at: number;
  readonly value: number;
  readonly zScore: number;
}

/** The CUSUM that called a level shift (Montgomery's tabular CUSUM, in standard deviations). */
export interface CusumEvidence {
  readonly statistic: number;
  readonly slack: number;
  readonly threshold: number;
  /** Estimated start of the shift: the first observation after the statistic was last 0. */
  readonly changeAt: number;
  readonly pointsSinceChange: number;
  /** Estimated new level: mean ± stdDev · (K + statistic / pointsSinceChange). */
  readonly estimatedMean: number;
}

export interface AnomalyEvidence {
  /** The observation that confirmed the anomaly. */
  readonly value: number;
  readonly zScore: number;
  readonly baseline: BaselineReference;
  /** Start of the interval of the first anomalous observation (for a counter, the previous sample). */
  readonly windowStart: number;
  /** Time of the confirming observation. */
  readonly windowEnd: number;
  /** The observations that made the case: the n in a row for a deviation, the confirming one for a level shift. */
  readonly points: readonly JudgedPoint[];
  readonly deviationStdDevs: number;
  readonly deviationPoints: number;
  readonly cusum?: CusumEvidence;
}

/** One anomaly of one series. Plain JSON. */
export interface MetricAnomaly {
  /** `<seriesKey>:<kind>:<openedAt>`: replaying the same points gives the same id. */
  readonly id: string;
  readonly kind: AnomalyKind;
  readonly status: 'open' | 'resolved';
  readonly seriesKey: string;
  readonly service: string;
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly metricKind: MetricKind;
  /** What was baselined: `rate` (counter, per second), `value` (gauge) or `mean` (histogram). */
  readonly measure: 'rate' | 'value' | 'mean';
  readonly direction: 'up' | 'down';
  /** First anomalous observation (deviation) or estimated change point (level shift). */
  readonly openedAt: number;
  /** The observation that confirmed it. */
  readonly detectedAt: number;
  /** One line a person can read in an alert. */
  readonly summary: string;
  readonly evidence: AnomalyEvidence;
  /** Anomalous observations while open, the confirming ones included. */
  readonly badPoints: number;
  readonly lastBadAt: number;
  /** The value furthest from the baseline while open, and its z-score. */
  readonly worstValue: number;
  readonly worstZScore: number;
  readonly resolvedAt?: number;
  readonly resolution?: AnomalyResolution;
  readonly resolvedValue?: number;
}

export interface AnomalyTransition {
  readonly kind: 'opened' | 'resolved';
  readonly anomaly: MetricAnomaly;
}
