/**
 * Expected baselines computed a different way from the library: not incrementally, but from the
 * closed form of the weights. With a_i = max(alpha, 1/i) (i = 1..n), value x_i weighs
 * w_i = a_i · Π_{j>i} (1 − a_j); mean = Σ w_i x_i and variance = Σ w_i (x_i − mean)², two passes.
 */
export function weightedByHand(values: readonly number[], alpha: number): { mean: number; variance: number; weights: number[] } {
  const n = values.length;
  const weights = new Array<number>(n);
  let later = 1;
  for (let i = n - 1; i >= 0; i--) {
    const a = Math.max(alpha, 1 / (i + 1));
    weights[i] = a * later;
    later *= 1 - a;
  }
  let mean = 0;
  for (let i = 0; i < n; i++) mean += weights[i]! * values[i]!;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += weights[i]! * (values[i]! - mean) ** 2;
  return { mean, variance, weights };
}

/** Plain mean and population variance, two passes. */
export function plainByHand(values: readonly number[]): { mean: number; variance: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return { mean, variance: values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length };
}

export function expectClose(actual: number | undefined, expected: number, what: string, relative = 1e-9): void {
  if (actual === undefined || Math.abs(actual - expected) > relative * Math.max(1, Math.abs(expected))) {
    throw new Error(`${what}: expected ${expected}, got ${actual}`);
  }
}
