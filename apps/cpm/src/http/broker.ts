import type { Publisher } from '@tributary/broker';
import type { Response } from 'express';
import { principal } from '../auth/middleware.js';
import { CpmHttpError } from '../errors.js';
import type { ReachabilityProbe } from '../health/probes.js';
import { requestLocals } from './request-context.js';

/**
 * Answers 503 TRIB_BROKER_UNREACHABLE with Retry-After while the Kafka probe fails: with Kafka down,
 * nothing is handed to the producer (which would retry for long) and nothing is read.
 */
export async function requireKafka(probe: Pick<ReachabilityProbe, 'check'>, retryAfterSeconds: number, message = 'Kafka is unreachable; nothing was sent, retry later'): Promise<void> {
  try {
    await probe.check();
  } catch (err) {
    throw new CpmHttpError(503, 'TRIB_BROKER_UNREACHABLE', message, {}, { cause: err, headers: { 'Retry-After': String(retryAfterSeconds) } });
  }
}

export interface CommandSenderDeps {
  kafkaProbe: Pick<ReachabilityProbe, 'check'>;
  publisher: Pick<Publisher, 'publish'>;
  /** The manager's command topic (priority-banded). */
  commandsTopic: string;
  retryAfterSeconds: number;
}

/**
 * Sends a command a manager answers later (the route replies 202 and the outcome shows in a read
 * model): keyed by its subject, so one subject's commands stay in order in one partition, one priority
 * for all, `requestedBy` the caller, the request id as correlation id.
 */
export function createCommandSender(deps: CommandSenderDeps) {
  return async function sendCommand(res: Response, type: string, key: string, value: Record<string, unknown>): Promise<void> {
    await requireKafka(deps.kafkaProbe, deps.retryAfterSeconds);
    await deps.publisher.publish(
      deps.commandsTopic,
      type,
      { ...value, requestedBy: principal(res), requestedAt: Date.now() },
      { key, priority: 'normal', correlationId: requestLocals(res).requestId },
    );
  };
}
