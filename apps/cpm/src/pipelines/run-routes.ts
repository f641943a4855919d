import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import type { ApiKeyRing } from '../auth/api-keys.js';
import { principal, requireRole } from '../auth/middleware.js';
import { CpmHttpError } from '../errors.js';
import { jsonBody } from '../http/body.js';
import { requestLocals } from '../http/request-context.js';
import type { CpmOptions } from '../options.js';
import { COMMAND, type CommandBus, EVENT } from './commands.js';
import { existingPipeline, optionalString } from './route-helpers.js';
import type { DefinitionsPort, PipelineEventsPort, PipelineRunState } from './types.js';

export interface RunRouteDeps {
  prefix: string;
  apiKeys: ApiKeyRing;
  definitions: DefinitionsPort;
  events: PipelineEventsPort;
  commands: CommandBus;
  options: Readonly<CpmOptions>;
}

const isActive = (state: PipelineRunState | undefined) => state?.status === 'RUNNING' || state?.status === 'PAUSED';

// Date.parse also takes "March 7" and other local formats: only an ISO-8601 date-time with a zone is
// unambiguous, which a replay boundary must be.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

function timeField(body: unknown, field: string, required: boolean): number | undefined {
  const value: unknown = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined;
  if (value === undefined || value === null) {
    if (!required) return undefined;
    throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', `${field} is required: an ISO-8601 time, e.g. 2024-05-01T00:00:00Z`, { field });
  }
  const ms = typeof value === 'string' && ISO_8601.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', `${field} must be an ISO-8601 time with a zone, e.g. 2024-05-01T00:00:00Z`, { field, value });
  }
  return ms;
}

/** Runs: start, stop, replay (operator). The CPM chooses run ids so a redelivered command starts one run. */
export function registerRunRoutes(app: Express, deps: RunRouteDeps): void {
  const { prefix, definitions, events, commands, options } = deps;
  const operator = requireRole(deps.apiKeys, 'operator');
  const body = jsonBody(options.jsonBodyMaxBytes);

  app.post(`${prefix}/pipelines/:id/start`, operator, ...body, async (req, res) => {
    const { requestId } = requestLocals(res);
    const stored = existingPipeline(req, definitions);
    const state = events.pipeline(stored.id);
    if (isActive(state)) {
      throw new CpmHttpError(409, 'TRIB_RUN_ACTIVE', `pipeline ${stored.id} already has an active run`, {
        pipelineId: stored.id,
        runId: state?.currentRun?.runId ?? null,
        status: state?.status,
      });
    }
    const runId = randomUUID();
    const event = await commands.send({
      type: COMMAND.start,
      pipelineId: stored.id,
      value: { pipelineId: stored.id, runId, requestedBy: principal(res), requestedAt: Date.now() },
      priority: stored.definition.priority,
      correlationId: requestId,
      answeredBy: [EVENT.runStarted],
    });
    res.status(202).json({ runId: (event.value as { runId?: string }).runId ?? runId });
  });

  app.post(`${prefix}/pipelines/:id/stop`, operator, ...body, async (req, res) => {
    const { requestId } = requestLocals(res);
    const stored = existingPipeline(req, definitions);
    const reason = optionalString(req.body, 'reason');
    const state = events.pipeline(stored.id);
    if (!isActive(state)) {
      throw new CpmHttpError(409, 'TRIB_RUN_NOT_ACTIVE', `pipeline ${stored.id} has no active run`, { pipelineId: stored.id, status: state?.status ?? 'CREATED' });
    }
    const runId = state?.currentRun?.runId ?? null;
    const event = await commands.send({
      type: COMMAND.stop,
      pipelineId: stored.id,
      // The run the read model shows, so a stop never ends a run started after the client looked.
      value: { pipelineId: stored.id, runId, reason: reason ?? null, requestedBy: principal(res), requestedAt: Date.now() },
      priority: stored.definition.priority,
      correlationId: requestId,
      answeredBy: [EVENT.runStopped],
    });
    res.status(202).json({ runId: (event.value as { runId?: string }).runId ?? runId });
  });

  app.post(`${prefix}/pipelines/:id/replays`, operator, ...body, async (req, res) => {
    const { requestId } = requestLocals(res);
    const from = timeField(req.body, 'from', true) ?? 0;
    const until = timeField(req.body, 'until', false);
    if (until !== undefined && until <= from) {
      throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', 'until must be after from', { field: 'until' });
    }
    if (from > Date.now()) throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', 'from is in the future: there is nothing to replay yet', { field: 'from' });
    const stored = existingPipeline(req, definitions);
    const runId = randomUUID();
    const event = await commands.send({
      type: COMMAND.replay,
      pipelineId: stored.id,
      value: {
        pipelineId: stored.id,
        runId,
        fromStage: 'raw',
        fromTime: from,
        untilTime: until ?? null,
        requestedBy: principal(res),
        requestedAt: Date.now(),
      },
      priority: stored.definition.priority,
      correlationId: requestId,
      answeredBy: [EVENT.runStarted],
    });
    res.status(202).json({ runId: (event.value as { runId?: string }).runId ?? runId });
  });
}
