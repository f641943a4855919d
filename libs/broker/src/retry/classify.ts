import { isConnectionFailure, UnrecoverableError } from '../errors.js';

/**
 * The one place that decides whether a failure may succeed if tried again. Unrecoverable errors
 * (and anything marked `retriable: false`) go straight to the dead-letter topic; errors that say
 * `retriable: true` (ours and kafkajs's) are retried; unknown errors are retried too, because a
 * bug that throws is rare and a flaky dependency is common, and the retry budget is bounded.
 */
export function isRetriable(err: unknown): boolean {
  if (err instanceof UnrecoverableError) return false;
  if (err instanceof Error) {
    const flag = (err as { retriable?: unknown }).retriable;
    if (typeof flag === 'boolean') return flag;
  }
  return true;
}

/** A stable code for headers and metrics: the error's `code` when it has one, else its class name. */
export function errorCode(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    return err.name || 'Error';
  }
  return 'NonError';
}

/** Codes of failures of the platform itself rather than of one message. */
const INFRASTRUCTURE_CODES = new Set(['TRIB_BROKER_UNREACHABLE', 'TRIB_REGISTRY_UNAVAILABLE']);

/**
 * True when a failure is an outage (Kafka or the schema registry unreachable), not a problem of the
 * message: such messages must wait for the outage to end, never be dead-lettered.
 */
export function isInfrastructureFailure(err: unknown): boolean {
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return (typeof code === 'string' && INFRASTRUCTURE_CODES.has(code)) || isConnectionFailure(err);
}
