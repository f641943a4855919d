import { type RollingStats, pushStats } from './stats.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
export const HOURS_PER_DAY = 24;

/** The rolling statistics of one hour of the day, and on how many different days it saw values. */
export interface HourBucket extends RollingStats {
  /** Different days (in the configured offset) the bucket received values on. */
  days: number;
  /** The day number (days since the epoch, in the offset) of the last value. */
  lastDay: number;
}

/** Hour of the day 0..23 of `at` (epoch ms) at a fixed UTC offset. */
export function hourOf(at: number, utcOffsetMinutes: number): number {
  const local = at + utcOffsetMinutes * 60_000;
  return Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
}

export function dayOf(at: number, utcOffsetMinutes: number): number {
  return Math.floor((at + utcOffsetMinutes * 60_000) / DAY_MS);
}

export function emptyHours(): (HourBucket | null)[] {
  return Array.from({ length: HOURS_PER_DAY }, () => null);
}

/** Folds `value` observed at `at` into its hour's bucket, creating the bucket on first use. */
export function pushHour(hours: (HourBucket | null)[], at: number, value: number, alpha: number, utcOffsetMinutes: number): void {
  const hour = hourOf(at, utcOffsetMinutes);
  const day = dayOf(at, utcOffsetMinutes);
  let bucket = hours[hour];
  if (!bucket) {
    bucket = { n: 0, mean: 0, variance: 0, days: 0, lastDay: day };
    hours[hour] = bucket;
  }
  // Only a later day counts: a late value from yesterday (out-of-order instances) is not a new day.
  if (bucket.n === 0 || day > bucket.lastDay) {
    bucket.days += 1;
    bucket.lastDay = day;
  }
  pushStats(bucket, value, alpha);
}
