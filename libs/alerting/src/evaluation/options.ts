import { z } from 'zod';
import { type Duration, durationOption, resolveOptions } from '../validate-options.js';

export interface AlertEvaluatorOptions {
  /**
   * A series whose latest sample is older than this has no current value: threshold, rate-of-change
   * and anomaly conditions stop holding for it (its alerts resolve), as in Prometheus. Default `5m`.
   */
  readonly staleness: Duration;
  /**
   * A series with no sample for this long is forgotten; an absent alert on it resolves then.
   * Absence alerting is for data that stops, not for sources that were taken away. Default `24h`.
   */
  readonly seriesRetention: Duration;
  /** Most series kept (samples and anomaly signals each); new series beyond it are refused. Default 100 000. */
  readonly maxSeries: number;
  /** Most samples kept per series for rate-of-change windows (the oldest go first). Default 1 000. */
  readonly maxSamplesPerSeries: number;
}

export const alertEvaluatorDefaults: AlertEvaluatorOptions = Object.freeze({
  staleness: '5m',
  seriesRetention: '24h',
  maxSeries: 100_000,
  maxSamplesPerSeries: 1_000,
});

const schema = z.strictObject({
  staleness: durationOption.refine((ms) => ms > 0, 'must be longer than 0'),
  seriesRetention: durationOption.refine((ms) => ms > 0, 'must be longer than 0'),
  maxSeries: z.number().int().positive(),
  maxSamplesPerSeries: z.number().int().min(2),
});

export type ResolvedAlertEvaluatorOptions = z.output<typeof schema>;

export function resolveAlertEvaluatorOptions(options: Partial<AlertEvaluatorOptions> = {}): ResolvedAlertEvaluatorOptions {
  return resolveOptions(schema, alertEvaluatorDefaults, options, 'alert evaluator options');
}
