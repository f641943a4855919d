import type { BrokerLogger, TopicFollower } from '@tributary/broker';
import type { QuarantineRedriveStarted } from '@tributary/schemas';
import { RedriveLedgerState } from './ledger-state.js';
import { RedriveEventNames } from './names.js';
import { type OffsetRange, type Redrive, redriveKey } from './types.js';

export interface RedriveLedgerDeps {
  /** The follower of `<prefix>.quality.events`, not started yet; started and closed by its owner. */
  follower: Pick<TopicFollower, 'listen' | 'catchUp' | 'caughtUp'>;
  logger: BrokerLogger;
}

/** The redrives of every pipeline, from `<prefix>.quality.events`, followed live. */
export interface RedriveLedger {
  readonly caughtUp: boolean;
  /** Resolves once every event committed before the call is applied. */
  catchUp(timeoutMs: number): Promise<void>;
  get(pipelineId: string, redriveId: string): Redrive | undefined;
  /** Started and not completed. */
  active(): Redrive[];
  all(): Redrive[];
  /** True when the redrive was read, or planned here and not read back yet. */
  knows(pipelineId: string, redriveId: string): boolean;
  /** Per partition, where the pipeline's next redrive may start: the end of its earlier ones. */
  previousEnds(pipelineId: string): Map<number, number>;
  /**
   * A Started this instance published (acknowledged) and the follower has not read yet: counted by
   * `knows` and `previousEnds` until then, so the next command never plans over it.
   */
  planned(started: QuarantineRedriveStarted): void;
  /** Called after a redrive started or completed. */
  subscribe(listener: () => void): () => void;
}

const TYPES: ReadonlySet<string> = new Set([RedriveEventNames.started, RedriveEventNames.progressed, RedriveEventNames.completed]);

export function createRedriveLedger(deps: RedriveLedgerDeps): RedriveLedger {
  const logger = deps.logger.child({ component: 'redrive-ledger' });
  const state = new RedriveLedgerState();
  const pending = new Map<string, { pipelineId: string; ranges: readonly OffsetRange[] }>();
  const listeners = new Set<() => void>();

  const { follower } = deps;
  follower.listen(TYPES, (type, value) => {
    if (type === RedriveEventNames.started) {
      const v = value as QuarantineRedriveStarted;
      pending.delete(redriveKey(v.pipelineId, v.redriveId));
    }
    if (!state.apply(type, value)) return;
    for (const listener of listeners) {
      try {
        listener();
      } catch (err) {
        logger.warn({ err }, 'redrive ledger listener failed');
      }
    }
  });

  return {
    get caughtUp() {
      return follower.caughtUp;
    },
    catchUp: (timeoutMs) => follower.catchUp(timeoutMs),
    get: (pipelineId, redriveId) => state.get(pipelineId, redriveId),
    active: () => state.active(),
    all: () => state.all(),
    knows: (pipelineId, redriveId) => state.get(pipelineId, redriveId) !== undefined || pending.has(redriveKey(pipelineId, redriveId)),
    previousEnds(pipelineId) {
      const ends = new Map(state.endOffsets(pipelineId));
      for (const p of pending.values()) {
        if (p.pipelineId !== pipelineId) continue;
        for (const r of p.ranges) ends.set(r.partition, Math.max(ends.get(r.partition) ?? 0, r.endOffset));
      }
      return ends;
    },
    planned(started) {
      const key = redriveKey(started.pipelineId, started.redriveId);
      if (!state.get(started.pipelineId, started.redriveId)) pending.set(key, { pipelineId: started.pipelineId, ranges: started.ranges });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
