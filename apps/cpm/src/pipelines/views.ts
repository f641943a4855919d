import type { DefinitionsPort, PipelineEventsPort, PipelineRunState, RunView, StoredPipeline } from './types.js';

export interface PipelineSummary {
  id: string;
  name: string;
  version: number;
  status: PipelineRunState['status'];
  reason?: string;
  currentRun?: RunView;
  totals: PipelineRunState['totals'];
}

export interface PipelineDetail extends PipelineSummary {
  definition: StoredPipeline['definition'];
  updatedAt: string;
  updatedBy: string;
}

/** A pipeline no run event has mentioned yet. */
const NEVER_RUN: PipelineRunState = { status: 'CREATED', totals: { in: 0, out: 0, rejected: 0 } };

export function summaryOf(stored: StoredPipeline, events: Pick<PipelineEventsPort, 'pipeline'>): PipelineSummary {
  const state = events.pipeline(stored.id) ?? NEVER_RUN;
  return {
    id: stored.id,
    name: stored.name,
    version: stored.version,
    status: state.status,
    ...(state.reason === undefined ? {} : { reason: state.reason }),
    ...(state.currentRun === undefined ? {} : { currentRun: state.currentRun }),
    totals: { ...state.totals },
  };
}

export function detailOf(stored: StoredPipeline, events: Pick<PipelineEventsPort, 'pipeline'>): PipelineDetail {
  return {
    ...summaryOf(stored, events),
    definition: stored.definition,
    updatedAt: new Date(stored.updatedAt).toISOString(),
    updatedBy: stored.updatedBy,
  };
}

/**
 * Waits (at most `timeoutMs`) until the definitions view satisfies `done`, so a client that reads
 * right after a successful write sees it. The write already happened: on timeout this just resolves
 * false and the caller answers from the event instead.
 */
export function awaitDefinitions(definitions: DefinitionsPort, done: () => boolean, timeoutMs: number): Promise<boolean> {
  if (done()) return Promise.resolve(true);
  return new Promise((resolve) => {
    let unsubscribe = () => undefined as void;
    const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
    function finish(ok: boolean) {
      clearTimeout(timer);
      unsubscribe();
      resolve(ok);
    }
    unsubscribe = definitions.subscribe(() => {
      if (done()) finish(true);
    });
    // The change may have landed between the first check and the subscription.
    if (done()) finish(true);
  });
}
