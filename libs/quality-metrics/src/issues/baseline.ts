import type { IssueBaseline } from './types.js';

/** Mean and population standard deviation of a signal's recent good values. */
export function baselineOf(history: readonly number[]): IssueBaseline {
  const n = history.length;
  const mean = history.reduce((sum, v) => sum + v, 0) / n;
  const variance = history.reduce((sum, v) => sum + (v - mean) ** 2, 0) / n;
  return { mean, stdDev: Math.sqrt(variance), windows: n };
}

/**
 * A value broke from its baseline on the bad side: more than k standard deviations away AND at least
 * `minDelta` away. The second condition is what keeps a perfectly steady series (deviation 0) from
 * calling every small wobble an anomaly; the first keeps a noisy series from doing the same.
 */
export function isAnomalous(
  value: number,
  baseline: IssueBaseline,
  worse: 'lower' | 'higher',
  stdDevs: number,
  minDelta: number,
): boolean {
  const delta = worse === 'lower' ? baseline.mean - value : value - baseline.mean;
  return delta > stdDevs * baseline.stdDev && delta >= minDelta;
}
