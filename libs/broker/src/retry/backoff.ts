import type { RetryPolicy } from './options.js';

/**
 * Delay before attempt `attempt + 1` (attempt counts from 1): exponential, capped, with the
 * `jitter` share drawn at random so that consumers failing together do not retry in lockstep.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** (attempt - 1));
  const fixed = exponential * (1 - policy.jitter);
  return Math.round(fixed + exponential * policy.jitter * random());
}
