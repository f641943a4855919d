import type { BrokerLogger, ConsumedEvent, HandlerContext, Publisher } from '@tributary/broker';
import type { PipelineSource } from '@tributary/pipeline-state';
import { pipelineRuleSet, RuleSetError } from '@tributary/quality-rules';
import type { CommandRejected, QuarantineRedriveStarted, RedriveQuarantine } from '@tributary/schemas';
import type { RedriveLedger } from './ledger.js';
import { RedriveEventNames } from './names.js';
import type { OffsetRange } from './types.js';

/** A redrive id names consumer groups and transactional ids: it must be a safe name segment. */
const REDRIVE_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** Codes of CommandRejected answers to RedriveQuarantine. */
export const RedriveRejections = {
  notFound: 'TRIB_PIPELINE_NOT_FOUND',
  invalid: 'TRIB_REDRIVE_INVALID',
  rulesInvalid: 'TRIB_DEFINITION_INVALID',
} as const;

export interface RedriveCommandDeps {
  ledger: Pick<RedriveLedger, 'catchUp' | 'knows' | 'previousEnds' | 'planned'>;
  source: Pick<PipelineSource, 'definition'>;
  publisher: Pick<Publisher, 'publish'>;
  /** Plans the ranges of a redrive of the pipeline's `.quarantine` (see plan.ts). */
  plan: (pipelineId: string, request: { fromTime: number | null; untilTime: number | null; previousEnds: ReadonlyMap<number, number> }) => Promise<OffsetRange[]>;
  /** `<prefix>.quality.events`. */
  eventsTopic: string;
  catchUpTimeoutMs: number;
  logger: BrokerLogger;
  clock?: () => number;
}

/**
 * Handles RedriveQuarantine: plans the ranges and publishes QuarantineRedriveStarted, or answers
 * CommandRejected. A redrive id already known (a redelivered or repeated command) publishes nothing.
 *
 * Started is published directly and awaited, not queued with the handler's outputs: the next command
 * (the runner handles one at a time) must plan after it, and a crash before the command's offset
 * commits finds it in the ledger on redelivery instead of planning a second redrive.
 */
export function createRedriveCommandHandler(deps: RedriveCommandDeps) {
  const clock = deps.clock ?? Date.now;
  const logger = deps.logger.child({ component: 'redrive-commands' });

  function reject(event: ConsumedEvent<RedriveQuarantine>, ctx: HandlerContext, code: string, message: string, details?: unknown): void {
    const command = event.value;
    const value: CommandRejected = {
      pipelineId: command.pipelineId,
      command: RedriveEventNames.command,
      code,
      message,
      details: details === undefined ? null : JSON.stringify(details),
      requestedBy: command.requestedBy,
      rejectedAt: clock(),
    };
    logger.info({ pipelineId: command.pipelineId, redriveId: command.redriveId, code }, message);
    ctx.publish(deps.eventsTopic, RedriveEventNames.rejected, value, { key: command.pipelineId, eventId: `quarantine-redrive-rejected:${event.eventId}` });
  }

  return async function handleRedriveQuarantine(event: ConsumedEvent<RedriveQuarantine>, ctx: HandlerContext): Promise<void> {
    const command = event.value;
    const { pipelineId, redriveId } = command;
    if (!REDRIVE_ID.test(redriveId)) {
      reject(event, ctx, RedriveRejections.invalid, `redriveId ${JSON.stringify(redriveId)} must be 1-128 of [A-Za-z0-9._-]`, { field: 'redriveId' });
      return;
    }
    if (command.fromTime !== null && command.untilTime !== null && command.untilTime <= command.fromTime) {
      reject(event, ctx, RedriveRejections.invalid, 'untilTime must be after fromTime', { field: 'untilTime' });
      return;
    }
    await deps.ledger.catchUp(deps.catchUpTimeoutMs);
    if (deps.ledger.knows(pipelineId, redriveId)) {
      logger.info({ pipelineId, redriveId, eventId: event.eventId }, 'redrive already planned; command skipped');
      return;
    }
    const current = deps.source.definition(pipelineId);
    if (!current) {
      reject(event, ctx, RedriveRejections.notFound, `Pipeline ${pipelineId} does not exist`);
      return;
    }
    try {
      pipelineRuleSet(current.definition);
    } catch (err) {
      if (!(err instanceof RuleSetError)) throw err;
      reject(event, ctx, RedriveRejections.rulesInvalid, `the quality rules of ${pipelineId} v${current.version} do not compile: ${err.message}`);
      return;
    }
    const ranges = await deps.plan(pipelineId, { fromTime: command.fromTime, untilTime: command.untilTime, previousEnds: deps.ledger.previousEnds(pipelineId) });
    const started: QuarantineRedriveStarted = {
      pipelineId,
      redriveId,
      pipelineVersion: current.version,
      fromTime: command.fromTime,
      untilTime: command.untilTime,
      ranges,
      requestedBy: command.requestedBy,
      startedAt: clock(),
    };
    await deps.publisher.publish(deps.eventsTopic, RedriveEventNames.started, started, {
      key: pipelineId,
      eventId: `quarantine-redrive-started:${pipelineId}:${redriveId}`,
      correlationId: event.correlationId,
      causationId: event.eventId,
    });
    deps.ledger.planned(started);
    logger.info({ pipelineId, redriveId, version: current.version, ranges }, 'quarantine redrive planned');
  };
}
