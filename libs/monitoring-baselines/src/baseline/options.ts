import { z } from 'zod';
import { resolveOptions } from '../validate-options.js';
import { alphaForHalfLife } from './stats.js';

/** How baselines are computed. Every default is written next to its option. */
export interface BaselineOptions {
  /**
   * Half-life, in observations, of the overall rolling mean and variance of a series: a value's
   * weight halves every this many later observations. Default 240 (one hour of 15 s samples): long
   * enough for a stable deviation estimate (≈ 700 effective values), short enough to follow a
   * slowly changing load.
   */
  readonly halfLifePoints: number;
  /** Observations a series needs before anything is judged against its baseline. Default 30. */
  readonly minPoints: number;
  /** Keep one rolling mean and variance per hour of the day, and judge against it once it has history. Default true. */
  readonly seasonality: boolean;
  /** Half-life, in observations, of each hour-of-day bucket. Default 720 (about three days of that hour at 15 s). */
  readonly seasonalHalfLifePoints: number;
  /** Observations an hour bucket needs before it is used instead of the overall baseline. Default 60. */
  readonly seasonalMinPoints: number;
  /**
   * Different days an hour bucket must have seen before it is used. Default 2: one day of an hour is
   * not a season, just the same hour as the overall baseline with less data.
   */
  readonly seasonalMinDays: number;
  /** Offset from UTC, in minutes, of the hours of the day (fixed: no daylight saving). Default 0 (UTC). */
  readonly utcOffsetMinutes: number;
  /**
   * Floor of the standard deviation a value is judged with, in the metric's unit. Default 1e-9: a
   * series that never moved (an error rate of 0) still gives finite z-scores.
   */
  readonly minStdDev: number;
  /**
   * Floor of the standard deviation as a fraction of |mean|. Default 0.01: a series that barely moves
   * (a heartbeat rate, a fixed pool size) does not alarm on a 0.1% wobble; k = 3 then means at least 3%.
   */
  readonly minRelativeStdDev: number;
  /**
   * A counter or histogram instance not seen for this long (ms, in observation time) is forgotten,
   * so restarted pods do not pile up in a series' state. Default 3,600,000 (1 h).
   */
  readonly instanceIdleMs: number;
}

export const baselineDefaults: BaselineOptions = Object.freeze({
  halfLifePoints: 240,
  minPoints: 30,
  seasonality: true,
  seasonalHalfLifePoints: 720,
  seasonalMinPoints: 60,
  seasonalMinDays: 2,
  utcOffsetMinutes: 0,
  minStdDev: 1e-9,
  minRelativeStdDev: 0.01,
  instanceIdleMs: 3_600_000,
});

const schema = z.strictObject({
  halfLifePoints: z.number().min(1).finite(),
  minPoints: z.number().int().min(2),
  seasonality: z.boolean(),
  seasonalHalfLifePoints: z.number().min(1).finite(),
  seasonalMinPoints: z.number().int().min(2),
  seasonalMinDays: z.number().int().min(1),
  utcOffsetMinutes: z.number().int().min(-14 * 60).max(14 * 60),
  minStdDev: z.number().positive().finite(),
  minRelativeStdDev: z.number().nonnegative().finite(),
  instanceIdleMs: z.number().int().positive(),
});

/** Validated options plus the smoothing factors derived from the half-lives. */
export type ResolvedBaselineOptions = z.output<typeof schema> & { readonly alpha: number; readonly seasonalAlpha: number };

export function resolveBaselineOptions(options: Partial<BaselineOptions> = {}): ResolvedBaselineOptions {
  const resolved = resolveOptions(schema, baselineDefaults, options, 'baseline options');
  return Object.freeze({
    ...resolved,
    alpha: alphaForHalfLife(resolved.halfLifePoints),
    seasonalAlpha: alphaForHalfLife(resolved.seasonalHalfLifePoints),
  });
}
