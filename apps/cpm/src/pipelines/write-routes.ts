import { DefinitionError, type PipelineDefinition } from '@tributary/pipelines';
import { checkPipelineQuality } from '@tributary/quality-rules';
import type { Express, Response } from 'express';
import type { ApiKeyRing } from '../auth/api-keys.js';
import { principal, requireRole } from '../auth/middleware.js';
import { CpmHttpError } from '../errors.js';
import { jsonBody, textBody } from '../http/body.js';
import { requestLocals } from '../http/request-context.js';
import type { CpmOptions } from '../options.js';
import { COMMAND, type CommandBus, EVENT } from './commands.js';
import { definitionFromBody, definitionInvalid, expectedVersionFrom } from './definition-body.js';
import { existingPipeline, optionalString, pipelineIdParam, setVersionTag } from './route-helpers.js';
import type { DefinitionsPort, PipelineEvent, PipelineEventsPort, StoredPipeline } from './types.js';
import { awaitDefinitions, detailOf } from './views.js';

export interface PipelineWriteDeps {
  prefix: string;
  apiKeys: ApiKeyRing;
  definitions: DefinitionsPort;
  events: PipelineEventsPort;
  commands: CommandBus;
  options: Readonly<CpmOptions>;
}

interface VersionEvent {
  version?: number;
  name?: string;
  definition?: string;
  createdAt?: number;
  createdBy?: string;
  updatedAt?: number;
  updatedBy?: string;
}

/** What the answer shows when the definitions view has not caught up yet: the event's own facts. */
function fromEvent(event: PipelineEvent, definition: PipelineDefinition, previous?: StoredPipeline): StoredPipeline {
  const v = (event.value ?? {}) as VersionEvent;
  const at = v.updatedAt ?? v.createdAt ?? Date.now();
  return {
    id: definition.id,
    name: v.name ?? definition.name,
    version: v.version ?? (previous ? previous.version + 1 : 1),
    definition: typeof v.definition === 'string' ? (JSON.parse(v.definition) as PipelineDefinition) : definition,
    createdAt: previous?.createdAt ?? v.createdAt ?? at,
    updatedAt: at,
    updatedBy: v.updatedBy ?? v.createdBy ?? 'unknown',
  };
}

function versionConflict(pipelineId: string, expected: number, current: number): CpmHttpError {
  return new CpmHttpError(409, 'TRIB_VERSION_CONFLICT', `pipeline ${pipelineId} is at version ${current}, not ${expected}`, { pipelineId, expected, current });
}

/** Pipeline definitions: create, update, delete (admin). Each is a command answered over Kafka. */
export function registerPipelineWriteRoutes(app: Express, deps: PipelineWriteDeps): void {
  const { prefix, definitions, events, commands, options } = deps;
  const admin = requireRole(deps.apiKeys, 'admin');

  async function answerWithVersion(res: Response, status: number, event: PipelineEvent, definition: PipelineDefinition, previous?: StoredPipeline) {
    const version = (event.value as VersionEvent).version ?? 0;
    await awaitDefinitions(definitions, () => (definitions.get(definition.id)?.version ?? 0) >= version, options.readAfterWriteMs);
    const stored = definitions.get(definition.id);
    const shown = stored && stored.version >= version ? stored : fromEvent(event, definition, previous);
    setVersionTag(res, shown.version);
    res.status(status).json({ pipeline: detailOf(shown, events) });
  }

  app.post(`${prefix}/pipelines`, admin, textBody(options.definitionMaxBytes), async (req, res) => {
    const { requestId } = requestLocals(res);
    const definition = definitionFromBody(req);
    const existing = definitions.get(definition.id);
    if (existing) {
      throw new CpmHttpError(409, 'TRIB_PIPELINE_EXISTS', `pipeline ${definition.id} exists (version ${existing.version}); PUT updates it`, {
        pipelineId: definition.id,
        version: existing.version,
      });
    }
    const event = await commands.send({
      type: COMMAND.create,
      pipelineId: definition.id,
      value: {
        pipelineId: definition.id,
        name: definition.name,
        definition: JSON.stringify(definition),
        requestedBy: principal(res),
        requestedAt: Date.now(),
      },
      priority: definition.priority,
      correlationId: requestId,
      answeredBy: [EVENT.created],
    });
    res.location(`${prefix}/pipelines/${definition.id}`);
    await answerWithVersion(res, 201, event, definition);
  });

  app.put(`${prefix}/pipelines/:id`, admin, textBody(options.definitionMaxBytes), async (req, res) => {
    const { requestId } = requestLocals(res);
    const pipelineId = pipelineIdParam(req);
    const definition = definitionFromBody(req);
    if (definition.id !== pipelineId) {
      throw new CpmHttpError(400, 'TRIB_DEFINITION_INVALID', `the definition's id ${JSON.stringify(definition.id)} is not the pipeline's ${JSON.stringify(pipelineId)}`, {
        issues: [{ path: '/id', field: 'id', message: `must be ${JSON.stringify(pipelineId)} (the id in the path); ids cannot change` }],
      });
    }
    const current = existingPipeline(req, definitions);
    const expectedVersion = expectedVersionFrom(req);
    if (expectedVersion !== undefined && expectedVersion !== current.version) throw versionConflict(pipelineId, expectedVersion, current.version);
    const event = await commands.send({
      type: COMMAND.update,
      pipelineId,
      value: {
        pipelineId,
        definition: JSON.stringify(definition),
        expectedVersion: expectedVersion ?? null,
        requestedBy: principal(res),
        requestedAt: Date.now(),
      },
      priority: definition.priority,
      correlationId: requestId,
      answeredBy: [EVENT.updated],
    });
    await answerWithVersion(res, 200, event, definition, current);
  });

  // The quality rules alone: a new version of the definition with this `quality:` section
  // (`{ "rules": [] }` checks nothing).
  app.put(`${prefix}/pipelines/:id/quality/rules`, admin, ...jsonBody(options.definitionMaxBytes), async (req, res) => {
    const { requestId } = requestLocals(res);
    const current = existingPipeline(req, definitions);
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', 'the body is a quality section { "rules": [ … ], "lookups"?: { … } }', {});
    }
    const expectedVersion = expectedVersionFrom(req);
    if (expectedVersion !== undefined && expectedVersion !== current.version) throw versionConflict(current.id, expectedVersion, current.version);
    const definition: PipelineDefinition = { ...current.definition, quality: body as Record<string, unknown> };
    try {
      checkPipelineQuality(definition);
    } catch (err) {
      if (err instanceof DefinitionError) throw definitionInvalid(err);
      throw err;
    }
    const event = await commands.send({
      type: COMMAND.update,
      pipelineId: current.id,
      value: {
        pipelineId: current.id,
        definition: JSON.stringify(definition),
        expectedVersion: expectedVersion ?? current.version,
        requestedBy: principal(res),
        requestedAt: Date.now(),
      },
      priority: definition.priority,
      correlationId: requestId,
      answeredBy: [EVENT.updated],
    });
    await answerWithVersion(res, 200, event, definition, current);
  });

  app.delete(`${prefix}/pipelines/:id`, admin, ...jsonBody(options.jsonBodyMaxBytes), async (req, res) => {
    const { requestId } = requestLocals(res);
    const current = existingPipeline(req, definitions);
    const expectedVersion = expectedVersionFrom(req);
    if (expectedVersion !== undefined && expectedVersion !== current.version) throw versionConflict(current.id, expectedVersion, current.version);
    await commands.send({
      type: COMMAND.delete,
      pipelineId: current.id,
      value: {
        pipelineId: current.id,
        expectedVersion: expectedVersion ?? null,
        reason: optionalString(req.body, 'reason') ?? null,
        requestedBy: principal(res),
        requestedAt: Date.now(),
      },
      priority: current.definition.priority,
      correlationId: requestId,
      answeredBy: [EVENT.deleted],
    });
    await awaitDefinitions(definitions, () => definitions.get(current.id) === undefined, options.readAfterWriteMs);
    res.json({ pipelineId: current.id, deleted: true });
  });
}
