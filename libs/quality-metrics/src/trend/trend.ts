import type { QualityWindowMetrics } from '../types.js';
import { type QualityTrendOptions, resolveQualityTrendOptions } from './options.js';

const HOUR_MS = 3_600_000;

export interface QualityTrendPoint {
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly score: number;
}

export type QualityTrendDirection = 'improving' | 'stable' | 'degrading';

export interface QualityTrend {
  /** Windows with a score (empty windows have none), oldest first. */
  readonly points: readonly QualityTrendPoint[];
  /** Least-squares slope of score over window start, in score points per hour; null under 2 points. */
  readonly slopePerHour: number | null;
  /** `stable` when |slope| ≤ stableSlopePerHour, or with fewer than 2 points. */
  readonly direction: QualityTrendDirection;
  readonly min: number | null;
  readonly max: number | null;
  /** Mean of the window scores (each window weighs the same, whatever its volume). */
  readonly mean: number | null;
}

/** The score series of some windows (of one pipeline and size), its fitted slope and its range. */
export function qualityTrend(windows: readonly QualityWindowMetrics[], options: Partial<QualityTrendOptions> = {}): QualityTrend {
  const { stableSlopePerHour } = resolveQualityTrendOptions(options);
  const points = windows
    .filter((w): w is QualityWindowMetrics & { score: number } => w.score !== null)
    .map((w) => ({ windowStart: w.windowStart, windowEnd: w.windowEnd, score: w.score }))
    .sort((a, b) => a.windowStart - b.windowStart);
  if (points.length === 0) return { points, slopePerHour: null, direction: 'stable', min: null, max: null, mean: null };
  const scores = points.map((p) => p.score);
  const mean = scores.reduce((sum, s) => sum + s, 0) / scores.length;
  const slopePerHour = slope(points, mean);
  const direction: QualityTrendDirection =
    slopePerHour === null || Math.abs(slopePerHour) <= stableSlopePerHour ? 'stable' : slopePerHour > 0 ? 'improving' : 'degrading';
  // reduce, not Math.min(...scores): a long range has more windows than a call has arguments.
  const min = scores.reduce((a, b) => Math.min(a, b));
  const max = scores.reduce((a, b) => Math.max(a, b));
  return { points, slopePerHour, direction, min, max, mean };
}

/** Ordinary least squares of score on time in hours, x centred on its mean for numeric stability. */
function slope(points: readonly QualityTrendPoint[], meanScore: number): number | null {
  if (points.length < 2) return null;
  const first = points[0] as QualityTrendPoint;
  const xs = points.map((p) => (p.windowStart - first.windowStart) / HOUR_MS);
  const meanX = xs.reduce((sum, x) => sum + x, 0) / xs.length;
  let sxy = 0;
  let sxx = 0;
  points.forEach((p, i) => {
    const dx = (xs[i] as number) - meanX;
    sxy += dx * (p.score - meanScore);
    sxx += dx * dx;
  });
  return sxx === 0 ? null : sxy / sxx;
}
