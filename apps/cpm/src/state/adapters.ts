import type { DefinitionsView, PipelineEventsView, PipelineState, RunState } from '@tributary/pipeline-state';
import type { DefinitionsPort, PipelineEventsPort, PipelineRunState, RunView } from '../pipelines/types.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function runView(run: RunState): RunView {
  return {
    runId: run.runId,
    mode: run.mode,
    pipelineVersion: run.pipelineVersion,
    status: run.status,
    ...(run.reason === null ? {} : { reason: run.reason }),
    startedAt: iso(run.startedAt),
    ...(run.stoppedAt === null ? {} : { stoppedAt: iso(run.stoppedAt) }),
    stages: run.stages.map((s) => ({ stage: s.stage, in: s.in, out: s.out, errored: s.errored })),
  };
}

function runState(p: PipelineState): PipelineRunState {
  const live = p.liveRunId === null ? undefined : p.runs.find((r) => r.runId === p.liveRunId);
  const current = live ?? p.runs.find((r) => r.status === 'RUNNING');
  return {
    status: p.status,
    ...(p.statusReason === null ? {} : { reason: p.statusReason }),
    ...(current === undefined ? {} : { currentRun: runView(current) }),
    totals: { in: p.totals.recordsIn, out: p.totals.recordsOut, rejected: p.totals.recordsErrored },
  };
}

/** `@tributary/pipeline-state`'s definitions view as the CPM's port. */
export function definitionsPort(view: DefinitionsView): DefinitionsPort {
  const toStored = (e: NonNullable<ReturnType<DefinitionsView['get']>>) => ({
    id: e.pipelineId,
    name: e.name,
    version: e.version,
    definition: e.definition,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    updatedBy: e.updatedBy,
  });
  return {
    get: (id) => {
      const e = view.get(id);
      return e ? toStored(e) : undefined;
    },
    list: () => view.list().map(toStored),
    subscribe: (listener) => view.subscribe(() => listener()),
  };
}

/** `@tributary/pipeline-state`'s events view as the CPM's port. */
export function pipelineEventsPort(view: PipelineEventsView): PipelineEventsPort {
  return {
    pipeline: (id) => {
      const p = view.pipeline(id);
      return p ? runState(p) : undefined;
    },
    runs: (id) => view.runs(id).map(runView),
    run: (id, runId) => {
      const r = view.run(id, runId);
      return r ? runView(r) : undefined;
    },
    processors: () =>
      view.processors().map((p) => ({ processorId: p.processorId, url: p.url, pipelines: [...p.pipelines], paused: [...p.paused], lastSeen: iso(p.lastSeen) })),
    // The view rejects on timeout; the port resolves undefined (the command bus answers 504).
    waitForCorrelation: (correlationId, timeoutMs) =>
      view.waitForCorrelation(correlationId, timeoutMs).then(
        (e) => ({ type: e.type, value: e.value, correlationId: e.correlationId, ...(e.key === null ? {} : { pipelineId: e.key }) }),
        () => undefined,
      ),
    subscribe: (listener) =>
      view.subscribe((e) => {
        const v = e.value as { pipelineId?: unknown } | null;
        const pipelineId = typeof v?.pipelineId === 'string' ? v.pipelineId : undefined;
        listener({ type: e.type, value: e.value, correlationId: e.correlationId, ...(pipelineId === undefined ? {} : { pipelineId }) });
      }),
  };
}
