import { z } from 'zod';
import { type Duration, durationSchema, resolveOptions } from '../validate-options.js';

export interface QualityIssueDetectorOptions {
  /**
   * Size of the windows the score and rule signals are read from; windows of other sizes (fed for
   * expectations declared over longer windows) contribute their expectation results only, so a
   * score is never judged twice. Default `1m`, the reducer's default.
   */
  readonly windowSize: Duration;
  /** A window whose quality score is below this opens a score issue. Default 80. */
  readonly minScore: number;
  /**
   * A rule failing on more than this ratio of a window's records opens a rule issue. Default 0.05
   * (5%): a rule that catches the odd bad record is doing its job, one that catches 1 in 20 is news.
   */
  readonly maxRuleFailureRate: number;
  /** Windows of history a signal's baseline (mean, standard deviation) is computed from. Default 20. */
  readonly baselineWindows: number;
  /** History needed before drops are judged against the baseline at all. Default 5. */
  readonly minBaselineWindows: number;
  /**
   * A value is anomalous when it is further than this many standard deviations from the baseline
   * mean, on the bad side (lower score, completeness, validity; higher failure rate). Default 3.
   */
  readonly anomalyStdDevs: number;
  /**
   * …and at least this many score points away from it, so a perfectly steady series (deviation 0)
   * does not open an issue for a blip. Default 5.
   */
  readonly minScoreDrop: number;
  /** The same floor for ratios (failure rates, completeness, validity). Default 0.02 (2 points). */
  readonly minRateChange: number;
  /**
   * Anomalous windows in a row that open an issue; a crossed threshold opens one at once. Default 2:
   * with a few hundred records per window a rate strays past 3σ by chance every few hundred
   * windows (small counts have a long tail), two windows in a row rarely do. The issue still
   * starts, and takes its id and evidence, at the first of them.
   */
  readonly anomalyWindows: number;
  /** Good windows in a row that resolve an open issue. Default 1. */
  readonly recoveryWindows: number;
  /** Failing records copied into an issue's evidence. Default 5. */
  readonly maxEvidenceSamples: number;
}

export const qualityIssueDefaults: QualityIssueDetectorOptions = Object.freeze({
  windowSize: '1m',
  minScore: 80,
  maxRuleFailureRate: 0.05,
  baselineWindows: 20,
  minBaselineWindows: 5,
  anomalyStdDevs: 3,
  minScoreDrop: 5,
  minRateChange: 0.02,
  anomalyWindows: 2,
  recoveryWindows: 1,
  maxEvidenceSamples: 5,
});

const schema = z
  .strictObject({
    windowSize: durationSchema.refine((ms) => ms > 0, 'must be longer than 0'),
    minScore: z.number().min(0).max(100),
    maxRuleFailureRate: z.number().min(0).max(1),
    baselineWindows: z.number().int().min(1),
    minBaselineWindows: z.number().int().min(1),
    anomalyStdDevs: z.number().positive(),
    minScoreDrop: z.number().nonnegative(),
    minRateChange: z.number().nonnegative(),
    anomalyWindows: z.number().int().min(1),
    recoveryWindows: z.number().int().min(1),
    maxEvidenceSamples: z.number().int().nonnegative(),
  })
  .refine((o) => o.minBaselineWindows <= o.baselineWindows, {
    message: 'must not exceed baselineWindows',
    path: ['minBaselineWindows'],
  });

export type ResolvedQualityIssueOptions = z.output<typeof schema>;

export function resolveQualityIssueOptions(options: Partial<QualityIssueDetectorOptions> = {}): ResolvedQualityIssueOptions {
  return resolveOptions(schema, qualityIssueDefaults, options, 'quality issue detector options');
}
