import type {
  PipelineCreated,
  PipelineDeleted,
  PipelineUpdated,
  ProcessorAnnounced,
  RunFailed,
  RunProgress,
  RunStarted,
  RunStopped,
  StagingBatchCompleted,
} from '@tributary/schemas';
import { addDeltas, emptyStages, type StageDelta, stageOrderOf, totalsOf, zeroTotals } from './counts.js';
import type { PipelineState, PipelinesState, ReducerOptions, RunState, StateEvent } from './types.js';

/** Runs kept per pipeline by default (active runs are kept beyond it). */
export const DEFAULT_MAX_RUNS = 50;

export const initialPipelinesState: PipelinesState = Object.freeze({ pipelines: Object.freeze({}), processors: Object.freeze({}) });

const T = {
  created: 'tributary.pipeline.PipelineCreated',
  updated: 'tributary.pipeline.PipelineUpdated',
  deleted: 'tributary.pipeline.PipelineDeleted',
  started: 'tributary.pipeline.RunStarted',
  stopped: 'tributary.pipeline.RunStopped',
  failed: 'tributary.pipeline.RunFailed',
  progress: 'tributary.pipeline.RunProgress',
  announced: 'tributary.pipeline.ProcessorAnnounced',
  staged: 'tributary.staging.StagingBatchCompleted',
} as const;

/**
 * The run state of every pipeline, folded from the pipeline and staging events. Pure: the same events
 * in the same order give the same state, so any service rebuilds it by replaying the topics. Lifecycle
 * events are idempotent (a redelivered RunStarted or RunStopped changes nothing); count deltas are
 * exact because their producers publish them in the transaction that commits the counted records.
 * Event types it does not know (CommandRejected, …) leave the state as it is.
 */
export function reducePipelineState(state: PipelinesState, event: StateEvent, options: ReducerOptions = {}): PipelinesState {
  const maxRuns = options.maxRuns ?? DEFAULT_MAX_RUNS;
  switch (event.type) {
    case T.created:
      return onCreated(state, event.value as PipelineCreated);
    case T.updated:
      return onUpdated(state, event.value as PipelineUpdated);
    case T.deleted:
      return onDeleted(state, event.value as PipelineDeleted);
    case T.started:
      return onRunStarted(state, event.value as RunStarted, maxRuns);
    case T.stopped: {
      const v = event.value as RunStopped;
      return endRun(state, v.pipelineId, v.runId, {
        status: 'STOPPED',
        stoppedAt: v.stoppedAt,
        stoppedBy: v.stoppedBy,
        reason: v.reason,
        errorCode: null,
        failedStage: null,
      });
    }
    case T.failed: {
      const v = event.value as RunFailed;
      return endRun(state, v.pipelineId, v.runId, {
        status: 'FAILED',
        stoppedAt: v.failedAt,
        stoppedBy: null,
        reason: v.reason,
        errorCode: v.errorCode,
        failedStage: v.stage,
      });
    }
    case T.progress: {
      const v = event.value as RunProgress;
      const deltas = v.stages.map((s) => ({ stage: s.stage, in: s.recordsIn, out: s.recordsOut, errored: s.recordsErrored }));
      return addCounts(state, v.pipelineId, v.runId, deltas);
    }
    case T.staged: {
      const v = event.value as StagingBatchCompleted;
      const delta = { stage: 'staging', in: v.recordsIn, out: v.recordsStaged, errored: v.recordsRejected };
      // Live records carry no run id: they belong to the live run that was current when the batch
      // completed (by time, so the answer does not depend on how the two topics interleave).
      const runId = v.runId ?? liveRunAt(state.pipelines[v.pipelineId], v.completedAt);
      return addCounts(state, v.pipelineId, runId, [delta]);
    }
    case T.announced:
      return onAnnounced(state, event.value as ProcessorAnnounced);
    default:
      return state;
  }
}

function liveRunAt(p: PipelineState | undefined, at: number): string | null {
  const run = p?.runs.find((r) => r.mode === 'live' && r.startedAt <= at && (r.stoppedAt === null || at < r.stoppedAt));
  return run?.runId ?? null;
}

function withPipeline(state: PipelinesState, pipeline: PipelineState): PipelinesState {
  return { ...state, pipelines: { ...state.pipelines, [pipeline.pipelineId]: pipeline } };
}

function onCreated(state: PipelinesState, v: PipelineCreated): PipelinesState {
  const existing = state.pipelines[v.pipelineId];
  const stageOrder = stageOrderOf(v.definition);
  // A redelivered PipelineCreated of the pipeline we have keeps its runs and counts.
  if (existing && existing.createdAt === v.createdAt) return state;
  return withPipeline(state, {
    pipelineId: v.pipelineId,
    name: v.name,
    version: v.version,
    definition: v.definition,
    status: 'CREATED',
    statusReason: null,
    createdAt: v.createdAt,
    updatedAt: v.createdAt,
    liveRunId: null,
    runs: [],
    stageOrder,
    stages: emptyStages(stageOrder),
    totals: zeroTotals,
  });
}

function onUpdated(state: PipelinesState, v: PipelineUpdated): PipelinesState {
  const existing = state.pipelines[v.pipelineId] ?? placeholder(v.pipelineId, v.updatedAt);
  if (existing.version >= v.version && existing.definition !== null) return state;
  const stageOrder = stageOrderOf(v.definition);
  return withPipeline(state, {
    ...existing,
    name: nameOf(v.definition) ?? existing.name,
    version: v.version,
    definition: v.definition,
    updatedAt: v.updatedAt,
    stageOrder,
    stages: addDeltas(emptyStages(stageOrder), existing.stages),
  });
}

function onDeleted(state: PipelinesState, v: PipelineDeleted): PipelinesState {
  if (!state.pipelines[v.pipelineId]) return state;
  const pipelines = { ...state.pipelines };
  delete pipelines[v.pipelineId];
  return { ...state, pipelines };
}

function onRunStarted(state: PipelinesState, v: RunStarted, maxRuns: number): PipelinesState {
  // Events of a pipeline created before the events topic's retention start with its runs: keep them.
  const p = state.pipelines[v.pipelineId] ?? placeholder(v.pipelineId, v.startedAt, v.pipelineVersion);
  if (p.runs.some((r) => r.runId === v.runId)) return state;
  const run: RunState = {
    runId: v.runId,
    mode: v.mode,
    pipelineVersion: v.pipelineVersion,
    status: 'RUNNING',
    startedAt: v.startedAt,
    startedBy: v.startedBy,
    stoppedAt: null,
    stoppedBy: null,
    reason: null,
    errorCode: null,
    failedStage: null,
    replayFrom: v.replayFrom,
    replayUntil: v.replayUntil,
    stages: emptyStages(p.stageOrder),
    totals: zeroTotals,
  };
  let runs = p.runs;
  if (v.mode === 'live' && p.liveRunId !== null) {
    // Only one live run at a time: a new one supersedes a live run nobody stopped.
    runs = runs.map((r) =>
      r.runId === p.liveRunId ? { ...r, status: 'STOPPED', stoppedAt: v.startedAt, reason: `superseded by run ${v.runId}` } : r,
    );
  }
  const next: PipelineState = {
    ...p,
    runs: trimRuns([run, ...runs], maxRuns),
    ...(v.mode === 'live' ? { liveRunId: v.runId, status: 'RUNNING', statusReason: null } : {}),
  };
  return withPipeline(state, next);
}

function endRun(
  state: PipelinesState,
  pipelineId: string,
  runId: string,
  end: Pick<RunState, 'status' | 'stoppedAt' | 'stoppedBy' | 'reason' | 'errorCode' | 'failedStage'>,
): PipelinesState {
  const p = state.pipelines[pipelineId];
  const run = p?.runs.find((r) => r.runId === runId);
  if (!p || !run || run.status !== 'RUNNING') return state;
  const runs = p.runs.map((r) => (r.runId === runId ? { ...r, ...end } : r));
  const wasLive = p.liveRunId === runId;
  return withPipeline(state, {
    ...p,
    runs,
    ...(wasLive ? { liveRunId: null, status: end.status, statusReason: end.reason ?? (end.status === 'FAILED' ? 'failed' : null) } : {}),
  });
}

function addCounts(state: PipelinesState, pipelineId: string, runId: string | null, deltas: readonly StageDelta[]): PipelinesState {
  const p = state.pipelines[pipelineId];
  // Counts of a deleted (or never created) pipeline have nothing to belong to.
  if (!p) return state;
  const stages = addDeltas(p.stages, deltas);
  const runs = p.runs.map((r) => {
    if (r.runId !== runId) return r;
    const runStages = addDeltas(r.stages, deltas);
    return { ...r, stages: runStages, totals: totalsOf(runStages) };
  });
  return withPipeline(state, { ...p, stages, totals: totalsOf(stages), runs });
}

function onAnnounced(state: PipelinesState, v: ProcessorAnnounced): PipelinesState {
  const previous = state.processors[v.processorId];
  if (previous && previous.lastSeen > v.announcedAt) return state;
  const processors = {
    ...state.processors,
    [v.processorId]: {
      processorId: v.processorId,
      url: v.url,
      pipelines: v.pipelines,
      paused: v.paused,
      intervalMs: v.intervalMs,
      startedAt: v.startedAt,
      lastSeen: v.announcedAt,
    },
  };
  // Pause is a processor-side switch (CPM → processor), so it is known from the announcements.
  let pipelines = state.pipelines;
  const paused = new Set(v.paused);
  for (const id of new Set([...v.pipelines, ...v.paused, ...(previous?.paused ?? [])])) {
    const p = pipelines[id];
    if (!p) continue;
    let status = p.status;
    if (p.status === 'RUNNING' && paused.has(id)) status = 'PAUSED';
    else if (p.status === 'PAUSED' && !paused.has(id)) status = 'RUNNING';
    if (status !== p.status) pipelines = { ...pipelines, [id]: { ...p, status } };
  }
  return { pipelines, processors };
}

/** Newest first, at most `maxRuns` — but a run still active is never forgotten. */
function trimRuns(runs: readonly RunState[], maxRuns: number): RunState[] {
  let budget = maxRuns;
  return runs.filter((r) => {
    if (budget > 0) {
      budget--;
      return true;
    }
    return r.status === 'RUNNING';
  });
}

/** A pipeline known from later events only (its PipelineCreated is past the topic's retention). */
function placeholder(pipelineId: string, at: number, version = 0): PipelineState {
  const stageOrder = stageOrderOf(null);
  return {
    pipelineId,
    name: pipelineId,
    version,
    definition: null,
    status: 'CREATED',
    statusReason: null,
    createdAt: null,
    updatedAt: at,
    liveRunId: null,
    runs: [],
    stageOrder,
    stages: emptyStages(stageOrder),
    totals: zeroTotals,
  };
}

function nameOf(definition: string): string | undefined {
  try {
    const name = (JSON.parse(definition) as { name?: unknown }).name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}
