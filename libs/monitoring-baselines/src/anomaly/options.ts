import { z } from 'zod';
import { resolveOptions } from '../validate-options.js';

/** Which side of the baseline counts as anomalous. */
export type AnomalyDirection = 'both' | 'up' | 'down';

/** How anomalies are detected. Every default is written next to its option. */
export interface AnomalyOptions {
  /** k: an observation deviates when it is more than this many standard deviations from its baseline. Default 3. */
  readonly deviationStdDevs: number;
  /**
   * n: deviating observations in a row that open a `deviation` anomaly. Default 3: one value past 3σ
   * happens by chance about once in 370, three in a row about once in 50 million.
   */
  readonly deviationPoints: number;
  /**
   * About how many observations back at the baseline resolve an open `deviation`. Default 3. Exactly:
   * it resolves when a CUSUM of its side, started at recoveryPoints · K, falls to 0, so values back
   * within k σ but still shifted do not resolve it.
   */
  readonly recoveryPoints: number;
  /** Judge deviations and level shifts above the baseline, below it, or both. Default `both`. */
  readonly direction: AnomalyDirection;
  /** Detect sustained level shifts smaller than k σ with a CUSUM. Default true. */
  readonly levelShift: boolean;
  /**
   * CUSUM reference value K, in standard deviations: drifts smaller than this are ignored. Default 1
   * (tuned to shifts of about 2σ, the ones the k σ rule does not see).
   */
  readonly cusumSlack: number;
  /**
   * CUSUM decision interval H, in standard deviations. Default 10. Montgomery suggests H = 4–5 for one
   * chart (a false alarm every few hundred in-control points); a monitoring manager runs thousands of
   * series around the clock, so H is raised until the in-control run length is in the billions
   * (Siegmund's approximation) while a 2σ shift is still found in about 15 observations (median
   * over seeded runs; 1.5σ: about 30; a 1σ drift is absorbed by the baseline instead).
   */
  readonly cusumThreshold: number;
  /**
   * An anomaly open for this many observations is accepted as the new normal: the baseline is
   * re-seeded from the values seen while it was open and the anomaly resolves as `adapted`. Without
   * this, a permanent change (a deployment that doubles traffic) would stay anomalous for ever, since
   * anomalous values never enter the baseline. Default 120 (30 minutes of 15 s samples).
   */
  readonly adaptAfterPoints: number;
}

export const anomalyDefaults: AnomalyOptions = Object.freeze({
  deviationStdDevs: 3,
  deviationPoints: 3,
  recoveryPoints: 3,
  direction: 'both',
  levelShift: true,
  cusumSlack: 1,
  cusumThreshold: 10,
  adaptAfterPoints: 120,
});

const schema = z
  .strictObject({
    deviationStdDevs: z.number().positive().finite(),
    deviationPoints: z.number().int().min(1).max(100),
    recoveryPoints: z.number().int().min(1),
    direction: z.enum(['both', 'up', 'down']),
    levelShift: z.boolean(),
    cusumSlack: z.number().positive().finite(),
    cusumThreshold: z.number().positive().finite(),
    adaptAfterPoints: z.number().int().min(1),
  })
  .refine((o) => o.cusumSlack < o.deviationStdDevs, {
    message: 'must be below deviationStdDevs (the CUSUM only sees values within k σ)',
    path: ['cusumSlack'],
  })
  .refine((o) => o.adaptAfterPoints > o.deviationPoints, {
    message: 'must exceed deviationPoints',
    path: ['adaptAfterPoints'],
  });

export type ResolvedAnomalyOptions = z.output<typeof schema>;

export function resolveAnomalyOptions(options: Partial<AnomalyOptions> = {}): ResolvedAnomalyOptions {
  return resolveOptions(schema, anomalyDefaults, options, 'anomaly options');
}
