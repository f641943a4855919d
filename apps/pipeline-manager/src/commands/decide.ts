import { applyTopics } from '@tributary/broker';
import type { DefinitionEntry } from '@tributary/pipeline-state';
import { DefinitionError, parseDefinition, type PipelineDefinition } from '@tributary/pipelines';
import { checkPipelineQuality } from '@tributary/quality-rules';
import {
  type CommandRejected,
  type CreatePipeline,
  type DeletePipeline,
  isValidPipelineId,
  type PipelineDefinition as DefinitionRecord,
  pipelineDataTopics,
  type ReplayPipeline,
  type RunStarted,
  type StartPipeline,
  type StopPipeline,
  SchemaIncompatibleError,
  type UpdatePipeline,
} from '@tributary/schemas';
import type { Rejection } from '../errors.js';
import { checkPipelineSchemas, registerPipelineSchemas } from '../schemas/index.js';
import type { CommandDeps, CommandEnvelope, CommandOutput } from './types.js';

export const CommandTypes = {
  create: 'tributary.pipeline.CreatePipeline',
  update: 'tributary.pipeline.UpdatePipeline',
  delete: 'tributary.pipeline.DeletePipeline',
  start: 'tributary.pipeline.StartPipeline',
  stop: 'tributary.pipeline.StopPipeline',
  replay: 'tributary.pipeline.ReplayPipeline',
} as const;

const E = {
  definition: 'tributary.pipeline.PipelineDefinition',
  created: 'tributary.pipeline.PipelineCreated',
  updated: 'tributary.pipeline.PipelineUpdated',
  deleted: 'tributary.pipeline.PipelineDeleted',
  started: 'tributary.pipeline.RunStarted',
  stopped: 'tributary.pipeline.RunStopped',
  rejected: 'tributary.pipeline.CommandRejected',
} as const;

interface CommandBase {
  pipelineId: string;
  requestedBy: string;
}

/**
 * What a command leads to, given the current state: the writes to make (definition, events), or one
 * CommandRejected. Provisioning (data topics, schemas) happens here, before anything is written, so a
 * refused change leaves no trace but its rejection.
 */
export async function decideCommand(command: CommandEnvelope, deps: CommandDeps): Promise<CommandOutput[]> {
  const base = command.value as CommandBase;
  const outcome = await decide(command, deps);
  if (Array.isArray(outcome)) return outcome;
  const r = outcome;
  const value: CommandRejected = {
    pipelineId: base.pipelineId,
    command: command.type,
    code: r.code,
    message: r.message,
    details: r.details === undefined ? null : JSON.stringify(r.details),
    requestedBy: base.requestedBy,
    rejectedAt: deps.clock(),
  };
  deps.logger.info({ pipelineId: base.pipelineId, command: command.type, code: r.code }, r.message);
  return [{ kind: 'event', pipelineId: base.pipelineId, type: E.rejected, value }];
}

async function decide(command: CommandEnvelope, deps: CommandDeps): Promise<CommandOutput[] | Rejection> {
  switch (command.type) {
    case CommandTypes.create:
      return create(command.value as CreatePipeline, command.eventId, deps);
    case CommandTypes.update:
      return update(command.value as UpdatePipeline, command.eventId, deps);
    case CommandTypes.delete:
      return remove(command.value as DeletePipeline, deps);
    case CommandTypes.start:
      return start(command.value as StartPipeline, deps);
    case CommandTypes.stop:
      return stop(command.value as StopPipeline, deps);
    case CommandTypes.replay:
      return replay(command.value as ReplayPipeline, deps);
    default:
      return [];
  }
}

const notFound = (id: string): Rejection => ({ code: 'TRIB_PIPELINE_NOT_FOUND', message: `Pipeline ${id} does not exist` });

/** Parses and checks a definition for `pipelineId`; provisions its topics and schemas when valid. */
async function prepare(pipelineId: string, text: string, deps: CommandDeps): Promise<PipelineDefinition | Rejection> {
  let definition: PipelineDefinition;
  try {
    definition = parseDefinition(text);
    checkPipelineQuality(definition);
  } catch (err) {
    if (!(err instanceof DefinitionError)) throw err;
    return { code: 'TRIB_DEFINITION_INVALID', message: err.message, details: err.details };
  }
  if (definition.id !== pipelineId || !isValidPipelineId(pipelineId)) {
    const message = definition.id !== pipelineId ? `must equal the pipeline id ${pipelineId}` : 'is not a valid pipeline id';
    return {
      code: 'TRIB_DEFINITION_INVALID',
      message: `Invalid pipeline definition: id: ${message}`,
      details: [{ path: '/id', field: 'id', message }],
    };
  }
  try {
    await checkPipelineSchemas(deps.registry, deps.topicPrefix, definition);
  } catch (err) {
    if (!(err instanceof SchemaIncompatibleError)) throw err;
    const { subject, field, violation, version } = err;
    return { code: 'TRIB_SCHEMA_INCOMPATIBLE', message: err.message, details: { subject, field, violation, version } };
  }
  const partitions = deps.dataPartitions === undefined ? {} : { partitions: deps.dataPartitions };
  await applyTopics({ admin: deps.admin, catalog: pipelineDataTopics(pipelineId, { prefix: deps.topicPrefix, ...partitions }), logger: deps.logger });
  await registerPipelineSchemas(deps.registry, deps.topicPrefix, definition);
  return definition;
}

function definitionWrite(record: DefinitionRecord): CommandOutput {
  return { kind: 'definition', pipelineId: record.pipelineId, value: record, version: record.version };
}

function createdEvent(entry: Pick<DefinitionRecord, 'pipelineId' | 'name' | 'version' | 'definition' | 'updatedBy' | 'createdAt'>): CommandOutput {
  const { pipelineId, name, version, definition, updatedBy, createdAt } = entry;
  return { kind: 'event', pipelineId, type: E.created, value: { pipelineId, name, version, definition, createdBy: updatedBy, createdAt } };
}

function updatedEvent(entry: Pick<DefinitionRecord, 'pipelineId' | 'version' | 'definition' | 'updatedBy' | 'updatedAt'>): CommandOutput {
  const { pipelineId, version, definition, updatedBy, updatedAt } = entry;
  return { kind: 'event', pipelineId, type: E.updated, value: { pipelineId, version, definition, updatedBy, updatedAt } };
}

const recordOf = (e: DefinitionEntry): DefinitionRecord => ({
  pipelineId: e.pipelineId,
  name: e.name,
  version: e.version,
  definition: e.definitionText,
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
  updatedBy: e.updatedBy,
});

async function create(cmd: CreatePipeline, commandId: string, deps: CommandDeps): Promise<CommandOutput[] | Rejection> {
  const existing = deps.definitions.get(cmd.pipelineId);
  // This very command wrote the definition before a crash: finish its work, do not refuse it.
  if (existing?.causationId === commandId) return [createdEvent(recordOf(existing))];
  if (existing) return { code: 'TRIB_PIPELINE_EXISTS', message: `Pipeline ${cmd.pipelineId} already exists (version ${existing.version})` };
  const prepared = await prepare(cmd.pipelineId, cmd.definition, deps);
  if (!('input' in prepared)) return prepared;
  const now = deps.clock();
  const record: DefinitionRecord = {
    pipelineId: cmd.pipelineId,
    name: cmd.name,
    version: 1,
    definition: JSON.stringify(prepared),
    createdAt: now,
    updatedAt: now,
    updatedBy: cmd.requestedBy,
  };
  return [definitionWrite(record), createdEvent(record)];
}

async function update(cmd: UpdatePipeline, commandId: string, deps: CommandDeps): Promise<CommandOutput[] | Rejection> {
  const existing = deps.definitions.get(cmd.pipelineId);
  if (!existing) return notFound(cmd.pipelineId);
  if (existing.causationId === commandId) return [updatedEvent(recordOf(existing))];
  if (cmd.expectedVersion !== null && cmd.expectedVersion !== existing.version) {
    return {
      code: 'TRIB_VERSION_CONFLICT',
      message: `Pipeline ${cmd.pipelineId} is at version ${existing.version}, not ${cmd.expectedVersion}`,
      details: { expectedVersion: cmd.expectedVersion, currentVersion: existing.version },
    };
  }
  const prepared = await prepare(cmd.pipelineId, cmd.definition, deps);
  if (!('input' in prepared)) return prepared;
  const record: DefinitionRecord = {
    ...recordOf(existing),
    name: prepared.name,
    version: existing.version + 1,
    definition: JSON.stringify(prepared),
    updatedAt: deps.clock(),
    updatedBy: cmd.requestedBy,
  };
  return [definitionWrite(record), updatedEvent(record)];
}

function activeRuns(pipelineId: string, deps: CommandDeps) {
  return deps.events.runs(pipelineId).filter((r) => r.status === 'RUNNING');
}

function stopped(pipelineId: string, runId: string, reason: string | null, by: string, deps: CommandDeps): CommandOutput {
  return {
    kind: 'event',
    pipelineId,
    type: E.stopped,
    value: { pipelineId, runId, reason, stoppedBy: by, stoppedAt: deps.clock() },
  };
}

function remove(cmd: DeletePipeline, deps: CommandDeps): CommandOutput[] | Rejection {
  const existing = deps.definitions.get(cmd.pipelineId);
  if (!existing) return notFound(cmd.pipelineId);
  if (cmd.expectedVersion !== null && cmd.expectedVersion !== existing.version) {
    return {
      code: 'TRIB_VERSION_CONFLICT',
      message: `Pipeline ${cmd.pipelineId} is at version ${existing.version}, not ${cmd.expectedVersion}`,
      details: { expectedVersion: cmd.expectedVersion, currentVersion: existing.version },
    };
  }
  // Events first, tombstone last: a redelivery after a crash finds the events and only re-tombstones.
  const stops = activeRuns(cmd.pipelineId, deps).map((r) => stopped(cmd.pipelineId, r.runId, 'pipeline deleted', cmd.requestedBy, deps));
  const deleted: CommandOutput = {
    kind: 'event',
    pipelineId: cmd.pipelineId,
    type: E.deleted,
    value: { pipelineId: cmd.pipelineId, lastVersion: existing.version, reason: cmd.reason, deletedBy: cmd.requestedBy, deletedAt: deps.clock() },
  };
  return [...stops, deleted, { kind: 'tombstone', pipelineId: cmd.pipelineId }];
}

function runIdTaken(pipelineId: string, runId: string, deps: CommandDeps): Rejection | undefined {
  const run = deps.events.run(pipelineId, runId);
  if (!run) return undefined;
  return run.status === 'RUNNING'
    ? { code: 'TRIB_RUN_ACTIVE', message: `Run ${runId} of pipeline ${pipelineId} is already running` }
    : { code: 'TRIB_RUN_ID_TAKEN', message: `Run id ${runId} was already used by pipeline ${pipelineId}` };
}

function runStarted(value: RunStarted): CommandOutput {
  return { kind: 'event', pipelineId: value.pipelineId, type: E.started, value };
}

function start(cmd: StartPipeline, deps: CommandDeps): CommandOutput[] | Rejection {
  const existing = deps.definitions.get(cmd.pipelineId);
  if (!existing) return notFound(cmd.pipelineId);
  const live = deps.events.pipeline(cmd.pipelineId)?.liveRunId ?? null;
  if (live !== null) return { code: 'TRIB_RUN_ACTIVE', message: `Pipeline ${cmd.pipelineId} is already running (run ${live})`, details: { runId: live } };
  const taken = runIdTaken(cmd.pipelineId, cmd.runId, deps);
  if (taken) return taken;
  return [
    runStarted({
      pipelineId: cmd.pipelineId,
      runId: cmd.runId,
      pipelineVersion: existing.version,
      mode: 'live',
      replayFrom: null,
      replayUntil: null,
      startedBy: cmd.requestedBy,
      startedAt: deps.clock(),
    }),
  ];
}

function stop(cmd: StopPipeline, deps: CommandDeps): CommandOutput[] | Rejection {
  if (!deps.definitions.get(cmd.pipelineId)) return notFound(cmd.pipelineId);
  const active = activeRuns(cmd.pipelineId, deps);
  const live = deps.events.pipeline(cmd.pipelineId)?.liveRunId ?? null;
  // No run named: the live run, else the newest replay still running.
  const runId = cmd.runId ?? live ?? active[0]?.runId ?? null;
  if (runId === null || !active.some((r) => r.runId === runId)) {
    const which = cmd.runId === null ? `Pipeline ${cmd.pipelineId} has no active run` : `Run ${cmd.runId} of pipeline ${cmd.pipelineId} is not active`;
    return { code: 'TRIB_RUN_NOT_ACTIVE', message: which };
  }
  return [stopped(cmd.pipelineId, runId, cmd.reason, cmd.requestedBy, deps)];
}

function replay(cmd: ReplayPipeline, deps: CommandDeps): CommandOutput[] | Rejection {
  const existing = deps.definitions.get(cmd.pipelineId);
  if (!existing) return notFound(cmd.pipelineId);
  if (cmd.fromStage !== 'raw') {
    return { code: 'TRIB_REPLAY_STAGE_UNSUPPORTED', message: `Replays read the raw topic; fromStage ${cmd.fromStage} is not supported` };
  }
  const now = deps.clock();
  const until = cmd.untilTime ?? now;
  if (until < cmd.fromTime) {
    return { code: 'TRIB_REPLAY_RANGE_INVALID', message: `untilTime ${until} is before fromTime ${cmd.fromTime}` };
  }
  const taken = runIdTaken(cmd.pipelineId, cmd.runId, deps);
  if (taken) return taken;
  return [
    runStarted({
      pipelineId: cmd.pipelineId,
      runId: cmd.runId,
      pipelineVersion: existing.version,
      mode: 'replay',
      replayFrom: cmd.fromTime,
      replayUntil: until,
      startedBy: cmd.requestedBy,
      startedAt: now,
    }),
  ];
}
