import type { ScoreWeights } from './options.js';

/** The four dimensions of a window's quality, each a ratio in 0..1, or null when not measured. */
export interface QualityDimensions {
  readonly validity: number | null;
  readonly completeness: number | null;
  readonly uniqueness: number | null;
  readonly freshness: number | null;
}

/**
 * Quality score 0..100: the weighted mean of the measured dimensions,
 *
 *   score = 100 × Σ wᵢ·vᵢ / Σ wᵢ   over the dimensions i whose value vᵢ is not null,
 *
 * rounded to 2 decimals. A dimension that was not measured (no unique key, no scored field) drops
 * out and the others are reweighted, so a pipeline without a unique key is not punished or
 * flattered for it. Null when nothing was measured (a window without records).
 */
export function qualityScore(dimensions: QualityDimensions, weights: ScoreWeights): number | null {
  let weighted = 0;
  let total = 0;
  for (const name of ['validity', 'completeness', 'uniqueness', 'freshness'] as const) {
    const value = dimensions[name];
    if (value === null || weights[name] === 0) continue;
    weighted += weights[name] * value;
    total += weights[name];
  }
  if (total === 0) return null;
  return Math.round((10_000 * weighted) / total) / 100;
}
