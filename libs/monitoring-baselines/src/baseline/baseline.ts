import type { BaselineReference } from '../anomaly/types.js';
import type { ResolvedBaselineOptions } from './options.js';
import { type HourBucket, emptyHours, hourOf, pushHour } from './seasonal.js';
import { type RollingStats, emptyStats, pushStats } from './stats.js';

/** The learned baseline of one series: overall, and per hour of the day. */
export interface Baseline {
  overall: RollingStats;
  /** 24 buckets, index = hour of the day; null until the hour saw a value. */
  hours: (HourBucket | null)[];
}

export function emptyBaseline(): Baseline {
  return { overall: emptyStats(), hours: emptyHours() };
}

/** Folds a value into the overall baseline only. */
export function learnOverall(baseline: Baseline, value: number, o: ResolvedBaselineOptions): void {
  pushStats(baseline.overall, value, o.alpha);
}

/** Folds a value into its hour-of-day bucket (when seasonality is on). */
export function learnHour(baseline: Baseline, at: number, value: number, o: ResolvedBaselineOptions): void {
  if (o.seasonality) pushHour(baseline.hours, at, value, o.seasonalAlpha, o.utcOffsetMinutes);
}

/**
 * True when the hour bucket of `at` is still learning (seasonality on, not yet ready). A learning
 * bucket takes every value of its hour, anomalous or not: it is not judged against yet, and what looks
 * anomalous against the overall baseline (the 9 o'clock rise of a daily series) is exactly what it
 * has to learn. Once ready it only takes values judged normal, like the overall baseline.
 */
export function hourLearning(baseline: Baseline, at: number, o: ResolvedBaselineOptions): boolean {
  return o.seasonality && !hourReady(baseline.hours[hourOf(at, o.utcOffsetMinutes)], o);
}

/** The standard deviation values are judged with: the rolling one, raised to the configured floors. */
export function judgedStdDev(stats: RollingStats, o: ResolvedBaselineOptions): number {
  return Math.max(Math.sqrt(stats.variance), o.minStdDev, o.minRelativeStdDev * Math.abs(stats.mean));
}

/** True once an hour bucket has enough history to stand for its hour. */
export function hourReady(bucket: HourBucket | null | undefined, o: ResolvedBaselineOptions): bucket is HourBucket {
  return bucket != null && bucket.n >= o.seasonalMinPoints && bucket.days >= o.seasonalMinDays;
}

/**
 * The baseline a value observed at `at` is judged against: its hour of the day when seasonality is on
 * and that hour has enough history, the overall one otherwise; undefined while the series is warming
 * up (fewer than minPoints observations), when nothing is judged.
 */
export function referenceAt(baseline: Baseline, at: number, o: ResolvedBaselineOptions): BaselineReference | undefined {
  if (baseline.overall.n < o.minPoints) return undefined;
  if (o.seasonality) {
    const hour = hourOf(at, o.utcOffsetMinutes);
    const bucket = baseline.hours[hour];
    if (hourReady(bucket, o)) return { mean: bucket.mean, stdDev: judgedStdDev(bucket, o), points: bucket.n, source: 'hour', hour };
  }
  const overall = baseline.overall;
  return { mean: overall.mean, stdDev: judgedStdDev(overall, o), points: overall.n, source: 'overall' };
}
