import { z } from 'zod';
import { resolveOptions } from '../validate-options.js';

export interface QualityTrendOptions {
  /**
   * A fitted slope within ±this many score points per hour is `stable`; beyond it the series is
   * `improving` or `degrading`. Default 1: a drift of a point an hour is a day's slide of 24 points,
   * worth naming, while the noise of minute windows fits well inside it.
   */
  readonly stableSlopePerHour: number;
}

export const qualityTrendDefaults: QualityTrendOptions = Object.freeze({ stableSlopePerHour: 1 });

const schema = z.strictObject({ stableSlopePerHour: z.number().finite().nonnegative() });

export function resolveQualityTrendOptions(options: Partial<QualityTrendOptions> = {}): QualityTrendOptions {
  return resolveOptions(schema, qualityTrendDefaults, options, 'quality trend options');
}
