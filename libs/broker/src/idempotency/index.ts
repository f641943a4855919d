export { createIdempotencyGuard, idempotencyDefaults, type IdempotencyGuard, type IdempotencyGuardOptions } from './guard.js';
