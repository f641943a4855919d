/** How a failed handler is retried before its message goes to the dead-letter topic. */
export interface RetryPolicy {
  /** Attempts in all, the first included. Default 5. */
  readonly maxAttempts: number;
  /** Delay before the second attempt. Default 100 ms. */
  readonly initialDelayMs: number;
  /** Upper bound of one delay. Default 5 s: a retrying message holds its partition, so keep it short. */
  readonly maxDelayMs: number;
  /** Growth of the delay per attempt. Default 2. */
  readonly factor: number;
  /** Share of each delay that is randomised (0 = none, 1 = "full jitter"). Default 0.5. */
  readonly jitter: number;
}

export const retryDefaults: RetryPolicy = Object.freeze({
  maxAttempts: 5,
  initialDelayMs: 100,
  maxDelayMs: 5_000,
  factor: 2,
  jitter: 0.5,
});

export function resolveRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...retryDefaults, ...overrides };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) throw new RangeError('maxAttempts must be an integer ≥ 1');
  if (policy.initialDelayMs < 0 || policy.maxDelayMs < policy.initialDelayMs) throw new RangeError('need 0 ≤ initialDelayMs ≤ maxDelayMs');
  if (policy.factor < 1) throw new RangeError('factor must be ≥ 1');
  if (policy.jitter < 0 || policy.jitter > 1) throw new RangeError('jitter must be within [0, 1]');
  return Object.freeze(policy);
}
