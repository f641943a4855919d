import type { DefinitionsView } from '../definitions/index.js';
import type { PipelineEventsView } from '../events/index.js';
import type { PipelineSource, PipelineVersion, RunningPipeline } from './types.js';

export interface PipelineStateSourceDeps {
  /** Latest definitions (`<prefix>.pipeline.definitions`). Started and closed by the source. */
  definitions: Pick<DefinitionsView, 'start' | 'get' | 'list' | 'subscribe' | 'close'>;
  /** Run state (`<prefix>.pipeline.events`, `<prefix>.staging.events`). Started and closed by the source. */
  events: Pick<PipelineEventsView, 'start' | 'pipeline' | 'subscribe' | 'close'>;
}

/**
 * Which pipelines should run, for the services that run a consumer per pipeline (processor, quality
 * manager): a pipeline runs when its status is RUNNING and its definition is known. Listeners hear
 * only of changes to that set (pipeline, version, live run), not of every event: the events topic
 * also carries the processors' own RunProgress.
 */
export function pipelineStateSource(deps: PipelineStateSourceDeps): PipelineSource {
  const { definitions, events } = deps;
  const listeners = new Set<() => void>();
  let signature = '';

  function running(): RunningPipeline[] {
    const out: RunningPipeline[] = [];
    for (const entry of definitions.list()) {
      const state = events.pipeline(entry.pipelineId);
      if (state?.status !== 'RUNNING') continue;
      out.push({ pipelineId: entry.pipelineId, version: entry.version, definition: entry.definition, liveRunId: state.liveRunId ?? undefined });
    }
    return out;
  }

  function changed(): void {
    const next = running()
      .map((p) => `${p.pipelineId}@${p.version}/${p.liveRunId ?? ''}`)
      .sort()
      .join(',');
    if (next === signature) return;
    signature = next;
    for (const listener of listeners) listener();
  }

  let unsubscribe: (() => void)[] = [];
  return {
    async start() {
      await Promise.all([definitions.start(), events.start()]);
      unsubscribe = [definitions.subscribe(changed), events.subscribe(changed)];
      changed();
    },
    running,
    definition(pipelineId): PipelineVersion | undefined {
      const entry = definitions.get(pipelineId);
      return entry ? { pipelineId: entry.pipelineId, version: entry.version, definition: entry.definition } : undefined;
    },
    liveRunId: (pipelineId) => events.pipeline(pipelineId)?.liveRunId ?? undefined,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      for (const u of unsubscribe) u();
      listeners.clear();
      await Promise.all([definitions.close(), events.close()]);
    },
  };
}
