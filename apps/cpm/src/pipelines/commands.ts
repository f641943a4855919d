import { BrokerError, isConnectionFailure, type Publisher } from '@tributary/broker';
import { type Priority, RegistryUnavailableError } from '@tributary/schemas';
import { CpmHttpError, type CpmErrorCode } from '../errors.js';
import type { ReachabilityProbe } from '../health/probes.js';
import type { PipelineEvent, PipelineEventsPort } from './types.js';

export const EVENT = {
  created: 'tributary.pipeline.PipelineCreated',
  updated: 'tributary.pipeline.PipelineUpdated',
  deleted: 'tributary.pipeline.PipelineDeleted',
  runStarted: 'tributary.pipeline.RunStarted',
  runStopped: 'tributary.pipeline.RunStopped',
  rejected: 'tributary.pipeline.CommandRejected',
} as const;

export const COMMAND = {
  create: 'tributary.pipeline.CreatePipeline',
  update: 'tributary.pipeline.UpdatePipeline',
  delete: 'tributary.pipeline.DeletePipeline',
  start: 'tributary.pipeline.StartPipeline',
  stop: 'tributary.pipeline.StopPipeline',
  replay: 'tributary.pipeline.ReplayPipeline',
} as const;

export interface Command {
  type: (typeof COMMAND)[keyof typeof COMMAND];
  pipelineId: string;
  value: Record<string, unknown>;
  priority: Priority;
  /** The HTTP request id: the pipeline manager repeats it on its answer. */
  correlationId: string;
  /** The event types that mean success (anything else but CommandRejected is unexpected). */
  answeredBy: readonly string[];
}

export interface CommandBusDeps {
  publisher: Pick<Publisher, 'publish'>;
  /** `<prefix>.pipeline.commands` */
  commandsTopic: string;
  events: Pick<PipelineEventsPort, 'waitForCorrelation'>;
  kafkaProbe: ReachabilityProbe;
  commandTimeoutMs: number;
  retryAfterSeconds: number;
}

export interface CommandBus {
  /** Sends the command and resolves with the success event; any other outcome throws a CpmHttpError. */
  send(command: Command): Promise<PipelineEvent>;
}

/** How a `CommandRejected.code` is answered. Short forms (`EXISTS`) are accepted as well. */
const REJECTIONS: Record<string, { status: number; code: CpmErrorCode }> = {
  TRIB_PIPELINE_EXISTS: { status: 409, code: 'TRIB_PIPELINE_EXISTS' },
  TRIB_VERSION_CONFLICT: { status: 409, code: 'TRIB_VERSION_CONFLICT' },
  TRIB_SCHEMA_INCOMPATIBLE: { status: 409, code: 'TRIB_SCHEMA_INCOMPATIBLE' },
  TRIB_RUN_ACTIVE: { status: 409, code: 'TRIB_RUN_ACTIVE' },
  TRIB_RUN_NOT_ACTIVE: { status: 409, code: 'TRIB_RUN_NOT_ACTIVE' },
  TRIB_PIPELINE_NOT_FOUND: { status: 404, code: 'TRIB_PIPELINE_NOT_FOUND' },
  TRIB_DEFINITION_INVALID: { status: 400, code: 'TRIB_DEFINITION_INVALID' },
};
const SHORT: Record<string, string> = { EXISTS: 'TRIB_PIPELINE_EXISTS', NOT_FOUND: 'TRIB_PIPELINE_NOT_FOUND' };

interface Rejection {
  code?: string;
  message?: string;
  details?: string | null;
  command?: string;
}

/** The HTTP answer to a `CommandRejected` event. */
export function rejectionError(value: unknown): CpmHttpError {
  const r = (value ?? {}) as Rejection;
  const raw = String(r.code ?? '').toUpperCase();
  const code = SHORT[raw] ?? (raw.startsWith('TRIB_') ? raw : `TRIB_${raw}`);
  let details: Record<string, unknown> = {};
  if (typeof r.details === 'string' && r.details !== '') {
    try {
      const parsed: unknown = JSON.parse(r.details);
      details = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { value: parsed };
    } catch {
      details = { text: r.details };
    }
  }
  const message = r.message ?? 'the pipeline manager refused the command';
  const known = REJECTIONS[code];
  if (known) return new CpmHttpError(known.status, known.code, message, details);
  return new CpmHttpError(409, 'TRIB_COMMAND_REJECTED', message, { ...details, rejectionCode: r.code ?? null, command: r.command ?? null });
}

/**
 * Commands to the pipeline manager, answered synchronously over Kafka: wait for the event carrying
 * the request's correlation id, bounded by `commandTimeoutMs` for the publish and the answer together.
 */
export function createCommandBus(deps: CommandBusDeps): CommandBus {
  const retryAfter = { 'Retry-After': String(deps.retryAfterSeconds) };
  const timeout = (sent: boolean, correlationId: string) =>
    new CpmHttpError(
      504,
      'TRIB_COMMAND_TIMEOUT',
      sent
        ? `the command was sent but the pipeline manager did not answer within ${deps.commandTimeoutMs} ms; it may still apply — check before retrying`
        : `Kafka did not acknowledge the command within ${deps.commandTimeoutMs} ms; it may still be delivered and apply — check before retrying`,
      { sent, correlationId, timeoutMs: deps.commandTimeoutMs },
      { headers: retryAfter },
    );

  return {
    async send(command) {
      const deadline = Date.now() + deps.commandTimeoutMs;
      // Like ingest: with Kafka down nothing is handed to the producer (which would retry for long).
      try {
        await deps.kafkaProbe.check();
      } catch (err) {
        throw new CpmHttpError(503, 'TRIB_BROKER_UNREACHABLE', 'Kafka is unreachable; nothing was sent, retry later', {}, { cause: err, headers: retryAfter });
      }
      // Listen before sending: the answer can come back faster than the publish acknowledgement.
      const answer = deps.events.waitForCorrelation(command.correlationId, deps.commandTimeoutMs);
      answer.catch(() => undefined);

      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((resolve) => {
        timer = setTimeout(() => resolve('expired'), Math.max(0, deadline - Date.now()));
      });
      try {
        const published = deps.publisher.publish(deps.commandsTopic, command.type, command.value, {
          key: command.pipelineId,
          priority: command.priority,
          correlationId: command.correlationId,
        });
        published.catch(() => undefined);
        let acked: 'acked' | 'expired';
        try {
          acked = await Promise.race([published.then(() => 'acked' as const), expired]);
        } catch (err) {
          if ((err instanceof BrokerError && err.retriable) || err instanceof RegistryUnavailableError || isConnectionFailure(err)) {
            throw new CpmHttpError(503, 'TRIB_BROKER_UNREACHABLE', 'Kafka or the schema registry did not take the command; retry later', {}, {
              cause: err,
              headers: retryAfter,
            });
          }
          if (err instanceof BrokerError) {
            throw new CpmHttpError(502, 'TRIB_PUBLISH_FAILED', `Kafka refused the command: ${err.message}`, { reason: err.message }, { cause: err });
          }
          throw err;
        }
        if (acked === 'expired') throw timeout(false, command.correlationId);
        const event = await Promise.race([answer, expired.then(() => undefined)]);
        if (event === undefined) throw timeout(true, command.correlationId);
        if (event.type === EVENT.rejected) throw rejectionError(event.value);
        if (!command.answeredBy.includes(event.type)) {
          throw new CpmHttpError(409, 'TRIB_COMMAND_REJECTED', `the pipeline manager answered ${event.type}`, { event: event.type });
        }
        return event;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
