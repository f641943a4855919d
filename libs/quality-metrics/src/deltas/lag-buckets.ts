/**
 * The fixed layout of freshness lag buckets. Every process that writes or merges window deltas must
 * use the same layout, so it is defined by integer arithmetic only (no floating-point logarithms)
 * and can be rebuilt in any language:
 *
 *   bound[0] = 0;   bound[i] = bound[i−1] + max(1, floor(bound[i−1] / 10))
 *
 * giving 0, 1, 2, …, 20, 22, 24, …, 94, 103, … up to bound[219] = 2,772,808,780 ms (≈ 32 days).
 * Bucket i (0 ≤ i ≤ 219) counts lags in (bound[i−1], bound[i]] (bucket 0: a lag of 0); bucket 220
 * counts lags above bound[219]. Lags are whole ms, so below 20 ms each bucket is one exact value,
 * and above it a bucket is at most 10% wider than its lower bound: a quantile reported as the upper
 * bound of its bucket is never below the true value and less than 10% above it (and never above the
 * maximum lag, which is kept exactly). A lag of 5 s lands in bucket 81, an hour in bucket 150.
 */
export const LAG_BUCKET_UPPER_BOUNDS_MS: readonly number[] = Object.freeze(buildBounds(30 * 86_400_000));

/** Buckets in the layout: one per bound, plus the overflow bucket. */
export const LAG_BUCKET_COUNT = LAG_BUCKET_UPPER_BOUNDS_MS.length + 1;

function buildBounds(atLeast: number): number[] {
  const bounds = [0];
  let last = 0;
  while (last < atLeast) {
    last += Math.max(1, Math.floor(last / 10));
    bounds.push(last);
  }
  return bounds;
}

/** The bucket of a lag (ms, ≥ 0): the first whose upper bound is at least the lag. */
export function lagBucketIndex(lagMs: number): number {
  const bounds = LAG_BUCKET_UPPER_BOUNDS_MS;
  let low = 0;
  let high = bounds.length; // the overflow bucket
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((bounds[mid] as number) >= lagMs) high = mid;
    else low = mid + 1;
  }
  return low;
}

/**
 * The q-quantile (nearest rank: the ⌈q·n⌉-th smallest lag) estimated from bucket counts: the upper
 * bound of the bucket holding that rank, capped at the exact maximum. Undefined without counts.
 */
export function lagQuantile(buckets: readonly number[], q: number, maxLagMs: number): number | undefined {
  const total = buckets.reduce((sum, n) => sum + n, 0);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i] as number;
    if (seen >= rank) return Math.min(maxLagMs, LAG_BUCKET_UPPER_BOUNDS_MS[i] ?? maxLagMs);
  }
  return maxLagMs;
}

/** Element-wise sum of two bucket arrays, trailing zeros trimmed. */
export function addLagBuckets(a: readonly number[], b: readonly number[]): number[] {
  const sum = Array.from({ length: Math.max(a.length, b.length) }, (_, i) => (a[i] ?? 0) + (b[i] ?? 0));
  return trimTrailingZeros(sum);
}

export function trimTrailingZeros(buckets: number[]): number[] {
  let end = buckets.length;
  while (end > 0 && buckets[end - 1] === 0) end--;
  buckets.length = end;
  return buckets;
}
