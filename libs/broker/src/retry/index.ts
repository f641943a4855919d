export { retryDefaults, resolveRetryPolicy, type RetryPolicy } from './options.js';
export { backoffDelay } from './backoff.js';
export { isRetriable, errorCode, isInfrastructureFailure } from './classify.js';
export { retry, type RetryOutcome } from './retry.js';
