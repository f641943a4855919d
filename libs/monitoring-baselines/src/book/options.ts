import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { AnomalyOptions } from '../anomaly/options.js';
import type { BaselineOptions } from '../baseline/options.js';
import type { BaselineStore } from '../store/store.js';
import { resolveOptions } from '../validate-options.js';

export interface BaselineBookOptions {
  /** Where flush() writes and restore() reads. Without one the book lives in memory only (tests, replays). */
  readonly store?: BaselineStore;
  /** How baselines are computed (defaults: baselineDefaults). */
  readonly baseline?: Partial<BaselineOptions>;
  /** How anomalies are detected (defaults: anomalyDefaults). */
  readonly anomaly?: Partial<AnomalyOptions>;
  /**
   * Names this book's mark in the store, which tells it whether Redis still holds what it wrote.
   * Default: a random id per book, so each process start writes its series once in full.
   */
  readonly writerId?: string;
  /** Clock for the health report only (the math reads the points' times, never a clock). Default Date.now. */
  readonly clock?: () => number;
}

const schema = z.strictObject({
  store: z.custom<BaselineStore>((s) => s === undefined || (typeof s === 'object' && s !== null), 'must be a BaselineStore').optional(),
  baseline: z.object({}).loose().optional(),
  anomaly: z.object({}).loose().optional(),
  writerId: z.string().min(1).max(200),
  clock: z.custom<() => number>((c) => typeof c === 'function', 'must be a function returning epoch ms'),
});

export type ResolvedBaselineBookOptions = Omit<z.output<typeof schema>, 'baseline' | 'anomaly'>;

export function resolveBaselineBookOptions(options: BaselineBookOptions): ResolvedBaselineBookOptions {
  const defaults = { writerId: `book-${randomBytes(6).toString('hex')}`, clock: Date.now };
  return resolveOptions(schema, defaults, options, 'baseline book options');
}
