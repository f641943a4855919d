/**
 * Rolling mean and variance of one stream of values, exponentially weighted.
 *
 * Why exponentially weighted rather than a sliding window: a window of W values needs W numbers of
 * state per series and per hour-of-day bucket (2,000 series × 25 windows × W in Redis, rewritten on
 * every flush), while an exponentially weighted estimate needs three numbers and forgets smoothly.
 * `halfLifePoints` says how fast: a value's weight halves every that many later values.
 *
 * The update is the incremental form of the weighted mean and variance (Welford's method generalised
 * to exponential weights, Finch 2009, "Incremental calculation of weighted mean and variance", §9):
 *
 *   a = max(alpha, 1/n)    d = x - mean    mean += a·d    variance = (1 - a)·(variance + a·d²)
 *
 * It never subtracts two large sums (no catastrophic cancellation), so it stays exact to rounding
 * over millions of points. `a = max(alpha, 1/n)` is a warm-up: while n < 1/alpha it is exactly
 * Welford's cumulative mean and population variance, so the first values are not over-weighted
 * (a plain EWMA started at the first value would treat that value as if it were 1/alpha values).
 * In closed form the value x_i (i = 1..n) has weight a_i · Π_{j>i} (1 - a_j); the weights sum to 1
 * and `variance` is the weighted population variance Σ w_i (x_i - mean)². The tests check exactly that.
 */
export interface RollingStats {
  /** Values folded in. */
  n: number;
  mean: number;
  /** Weighted population variance (not the sample variance: there is no n - 1 for weighted data). */
  variance: number;
}

/** The per-value smoothing factor for a half-life in values: (1 - alpha)^halfLife = 1/2. */
export function alphaForHalfLife(halfLifePoints: number): number {
  return 1 - Math.pow(2, -1 / halfLifePoints);
}

export function emptyStats(): RollingStats {
  return { n: 0, mean: 0, variance: 0 };
}

/** Folds `value` into `stats` (in place: the book owns its states and updates them per point). */
export function pushStats(stats: RollingStats, value: number, alpha: number): void {
  stats.n += 1;
  const a = Math.max(alpha, 1 / stats.n);
  const d = value - stats.mean;
  const step = a * d;
  stats.mean += step;
  stats.variance = (1 - a) * (stats.variance + d * step);
}
