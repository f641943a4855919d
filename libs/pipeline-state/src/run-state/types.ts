import type { RunMode } from '@tributary/schemas';

/** Where a pipeline is in its life (docs/pipeline-flow.md, "Run state"). */
export type PipelineStatus = 'CREATED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED';

/** Where one run is: running, ended normally, or ended on an error. */
export type RunStatus = 'RUNNING' | 'STOPPED' | 'FAILED';

/** Record counts of one stage (`staging`, then each processor stage), summed over deltas. */
export interface StageCount {
  readonly stage: string;
  readonly in: number;
  readonly out: number;
  readonly errored: number;
}

/** End-to-end figures: what entered the first stage, left the last, and failed anywhere. */
export interface CountTotals {
  readonly recordsIn: number;
  readonly recordsOut: number;
  readonly recordsErrored: number;
}

export interface RunState {
  readonly runId: string;
  readonly mode: RunMode;
  readonly pipelineVersion: number;
  readonly status: RunStatus;
  readonly startedAt: number;
  readonly startedBy: string;
  readonly stoppedAt: number | null;
  readonly stoppedBy: string | null;
  /** Why it stopped or failed; null while it runs. */
  readonly reason: string | null;
  /** Stable code of a failure (TRIB_…), when it has one. */
  readonly errorCode: string | null;
  /** Stage a failure happened in, when known. */
  readonly failedStage: string | null;
  /** Replays only: the history slice `[replayFrom, replayUntil)`. */
  readonly replayFrom: number | null;
  readonly replayUntil: number | null;
  /** Counts per stage in pipeline order, `staging` first; stages not yet reported count 0. */
  readonly stages: readonly StageCount[];
  readonly totals: CountTotals;
}

export interface PipelineState {
  readonly pipelineId: string;
  readonly name: string;
  /** Current definition version (1 after creation, +1 per update). */
  readonly version: number;
  /** The current definition as JSON text, as carried by PipelineCreated/PipelineUpdated. */
  readonly definition: string | null;
  readonly status: PipelineStatus;
  /** Why the pipeline is STOPPED or FAILED; null otherwise. */
  readonly statusReason: string | null;
  readonly createdAt: number | null;
  readonly updatedAt: number | null;
  /** The active live run, or null. Replay runs never take this place; they run beside it. */
  readonly liveRunId: string | null;
  /** Recent runs, newest first (bounded; active runs are never dropped). */
  readonly runs: readonly RunState[];
  /** Stage names in pipeline order: `staging`, then the current definition's stages. */
  readonly stageOrder: readonly string[];
  /** Counts per stage over every run, plus staging batches counted while no run was active. */
  readonly stages: readonly StageCount[];
  readonly totals: CountTotals;
}

/** A processor instance as it last announced itself. */
export interface ProcessorState {
  readonly processorId: string;
  readonly url: string;
  readonly pipelines: readonly string[];
  readonly paused: readonly string[];
  readonly intervalMs: number;
  readonly startedAt: number;
  /** `announcedAt` of the last announcement, epoch ms. */
  readonly lastSeen: number;
}

/** The whole read model: pipelines and processors by id. Immutable; the reducer returns a new one. */
export interface PipelinesState {
  readonly pipelines: Readonly<Record<string, PipelineState>>;
  readonly processors: Readonly<Record<string, ProcessorState>>;
}

/** What the reducer needs of an event: its type (record full name) and decoded value. */
export interface StateEvent {
  readonly type: string;
  readonly value: unknown;
}

export interface ReducerOptions {
  /** Runs kept per pipeline, newest first (active runs are always kept). Default 50. */
  readonly maxRuns?: number;
}
