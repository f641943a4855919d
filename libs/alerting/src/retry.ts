import { AlertingError } from './errors.js';

/**
 * How deliveries are retried. The delay before retry n (1-based) is
 * `min(maxDelayMs, initialDelayMs × multiplier^(n-1))`, spread by ±`jitter` (a fraction) so that
 * many notifiers failing together do not retry in lockstep against a receiver that is recovering.
 */
export interface RetryPolicy {
  /** Retries after the first attempt. Default 3 (4 attempts in all). */
  readonly retries: number;
  /** Delay before the first retry, in ms. Default 500. */
  readonly initialDelayMs: number;
  /** Ceiling of any delay, in ms. Default 10 000. */
  readonly maxDelayMs: number;
  /** Growth of the delay per retry. Default 2. */
  readonly multiplier: number;
  /** Random spread of each delay, as a fraction of it (0 = none). Default 0.2. */
  readonly jitter: number;
}

export const retryDefaults: RetryPolicy = Object.freeze({
  retries: 3,
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  multiplier: 2,
  jitter: 0.2,
});

/** The one place that decides whether an error may pass on a later attempt. */
export function isRetriable(error: unknown): boolean {
  return error instanceof AlertingError && error.retriable;
}

/** Delay before retry `retry` (1-based); `random` returns [0, 1). */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (retry - 1));
  const spread = base * policy.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(base + spread));
}

export interface RetryHooks {
  /** Waits `ms`; rejects when `signal` aborts. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random: () => number;
  readonly signal?: AbortSignal;
  /** Called before each retry with the error that caused it (for logging). */
  readonly onRetry?: (error: unknown, retry: number, delayMs: number) => void;
}

/**
 * Runs `operation` until it succeeds, throws a non-retriable error, or the retries are spent; the
 * last error is rethrown. `attempt` is 1-based.
 */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, policy: RetryPolicy, hooks: RetryHooks): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!isRetriable(error) || attempt > policy.retries || hooks.signal?.aborted === true) throw error;
      const delay = backoffDelay(policy, attempt, hooks.random);
      hooks.onRetry?.(error, attempt, delay);
      await hooks.sleep(delay, hooks.signal);
    }
  }
}

/** A timer-based sleep that ends early (rejecting) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(new AlertingError('TRIB_ALERT_CLOSED', 'the notifier is closed'));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AlertingError('TRIB_ALERT_CLOSED', 'the notifier is closed'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
