export { ErrorRateWindows, failureReason } from './policy.js';
export type { FailureVerdict } from './policy.js';
