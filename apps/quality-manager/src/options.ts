import { consumerRunnerDefaults } from '@tributary/broker';
import { z } from 'zod';
import { QualityManagerConfigError } from './errors.js';

/** Behaviour of a quality manager instance. Defaults live in {@link qualityManagerDefaults}. */
export interface QualityManagerOptions {
  /**
   * Checked `.processed` records per transaction (outputs and offsets commit together). Default
   * 5,000, as the processor's: each transaction costs several broker round trips.
   */
  commitEvery: number;
  /** Consumer group session timeout per pipeline. Default 30 s (the runner's). */
  sessionTimeoutMs: number;
  /** Longest a pipeline's consumer may take to stop (finish, commit, leave the group). Default 30 s. */
  shutdownTimeoutMs: number;
  /** Handler attempts before a `.processed` record is dead-lettered. Default 5. */
  maxAttempts: number;
  /** First retry delay of a failing handler, doubled per attempt. Default 100 ms. */
  retryInitialDelayMs: number;
  /** After a pipeline's consumer failed to start, the next attempt waits this long. Default 5 s. */
  restartDelayMs: number;
}

export const qualityManagerDefaults: Readonly<QualityManagerOptions> = Object.freeze({
  commitEvery: 5000,
  sessionTimeoutMs: consumerRunnerDefaults.sessionTimeoutMs,
  shutdownTimeoutMs: consumerRunnerDefaults.shutdownTimeoutMs,
  maxAttempts: 5,
  retryInitialDelayMs: 100,
  restartDelayMs: 5000,
});

const positiveInt = z.number().int().min(1);
const optionsSchema = z.strictObject({
  commitEvery: positiveInt,
  sessionTimeoutMs: positiveInt,
  shutdownTimeoutMs: positiveInt,
  maxAttempts: positiveInt,
  retryInitialDelayMs: positiveInt,
  restartDelayMs: positiveInt,
});

/** Merges overrides over the defaults (the caller's object is not modified) and validates the result. */
export function resolveQualityManagerOptions(overrides: Partial<QualityManagerOptions> = {}): Readonly<QualityManagerOptions> {
  const parsed = optionsSchema.safeParse({ ...qualityManagerDefaults, ...overrides });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new QualityManagerConfigError(`Invalid quality manager options: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  return Object.freeze(parsed.data);
}
