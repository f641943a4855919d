import type { MetricPoint } from '../../src/index.js';
import { seededRandom } from '@tributary/testing';

export const SECOND = 1000;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** Midnight UTC, so hour-of-day buckets line up with multiples of HOUR from T0. */
export const T0 = Date.UTC(2024, 0, 15, 0, 0, 0);

export const rng = seededRandom;

/** Standard normal deviates (Box–Muller) from a seeded generator. */
export function gaussian(seed: number): () => number {
  const random = rng(seed);
  return () => {
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

export interface SeriesOptions {
  service?: string;
  instance?: string;
  metric?: string;
  labels?: Record<string, string>;
  start?: number;
  intervalMs?: number;
}

const base = (o: SeriesOptions) => ({
  service: o.service ?? 'checkout',
  instance: o.instance ?? 'checkout-0',
  metric: o.metric ?? 'queue_depth',
  labels: o.labels ?? { queue: 'orders' },
});

/** A gauge sampled every intervalMs (default 15 s) with the given values. */
export function gaugeSeries(values: readonly number[], o: SeriesOptions = {}): MetricPoint[] {
  const start = o.start ?? T0;
  const interval = o.intervalMs ?? 15 * SECOND;
  return values.map((value, i) => ({ ...base(o), kind: 'gauge', value, count: null, buckets: [], observedAt: start + i * interval }));
}

/**
 * A counter whose rate per second over each interval is `rates[i - 1]` (the first sample only sets
 * the start). `resetAt`: sample indexes where the process restarted and the total starts from 0.
 */
export function counterSeries(rates: readonly number[], o: SeriesOptions & { resetAt?: readonly number[] } = {}): MetricPoint[] {
  const start = o.start ?? T0;
  const interval = o.intervalMs ?? 15 * SECOND;
  const points: MetricPoint[] = [];
  let total = 1000;
  points.push({ ...base(o), metric: o.metric ?? 'requests_total', kind: 'counter', value: total, count: null, buckets: [], observedAt: start });
  rates.forEach((rate, i) => {
    const delta = (rate * interval) / 1000;
    total = o.resetAt?.includes(i + 1) ? delta : total + delta;
    points.push({ ...base(o), metric: o.metric ?? 'requests_total', kind: 'counter', value: total, count: null, buckets: [], observedAt: start + (i + 1) * interval });
  });
  return points;
}

/** A latency histogram where interval i has `perInterval` observations of mean `means[i - 1]`. */
export function histogramSeries(means: readonly number[], o: SeriesOptions & { perInterval?: number } = {}): MetricPoint[] {
  const start = o.start ?? T0;
  const interval = o.intervalMs ?? 15 * SECOND;
  const per = o.perInterval ?? 100;
  const metric = o.metric ?? 'http_request_duration_seconds';
  let sum = 0;
  let count = 0;
  const point = (at: number): MetricPoint => ({ ...base(o), metric, kind: 'histogram', value: sum, count, buckets: [{ le: Infinity, count }], observedAt: at });
  const points = [point(start)];
  means.forEach((mean, i) => {
    sum += mean * per;
    count += per;
    points.push(point(start + (i + 1) * interval));
  });
  return points;
}

/** `n` values around `mean` with Gaussian noise of standard deviation `sd`. */
export function noisy(n: number, mean: number, sd: number, seed: number): number[] {
  const next = gaussian(seed);
  return Array.from({ length: n }, () => mean + sd * next());
}
