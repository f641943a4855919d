import { backoffDelay } from './backoff.js';
import { isRetriable } from './classify.js';
import type { RetryPolicy } from './options.js';

export interface RetryOutcome<T> {
  ok: boolean;
  value?: T;
  error?: unknown;
  attempts: number;
  /** When the first attempt failed (epoch ms), for dead-letter headers. */
  firstFailureAt?: number;
}

/**
 * Runs `fn` until it succeeds, fails with an error that is not retriable, or the policy's attempts
 * run out. Never throws: the outcome says what happened, so the caller decides (dead-letter it).
 * `shouldStop` ends the waiting early, e.g. on shutdown.
 */
export async function retry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  opts: {
    onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
    shouldStop?: () => boolean;
    sleep?: (ms: number) => Promise<void>;
    now?: () => number;
    /** Continue a sequence whose earlier attempts the caller made itself: the first attempt's number. Default 1. */
    startAttempt?: number;
  } = {},
): Promise<RetryOutcome<T>> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = opts.now ?? Date.now;
  let firstFailureAt: number | undefined;
  for (let attempt = opts.startAttempt ?? 1; ; attempt++) {
    try {
      const value = await fn(attempt);
      return { ok: true, value, attempts: attempt, ...(firstFailureAt === undefined ? {} : { firstFailureAt }) };
    } catch (error) {
      firstFailureAt ??= now();
      const last = attempt >= policy.maxAttempts || !isRetriable(error) || opts.shouldStop?.() === true;
      if (last) return { ok: false, error, attempts: attempt, firstFailureAt };
      const delay = backoffDelay(attempt, policy);
      opts.onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}
