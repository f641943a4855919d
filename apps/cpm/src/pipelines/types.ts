import type { PipelineDefinition } from '@tributary/pipelines';

/**
 * The ports of the pipeline routes: the small read-model and command interfaces the CPM needs. main.ts
 * adapts `@tributary/pipeline-state` to them (see `state/adapters.ts`); route tests use in-memory fakes.
 * Shapes here are the API's (docs/cpm.md), so routes only assemble them.
 */

export type PipelineStatus = 'CREATED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED';
export type RunMode = 'live' | 'replay';

export interface StageCountView {
  stage: string;
  in: number;
  out: number;
  errored: number;
}

/** A run as the API shows it; times are ISO-8601 strings. */
export interface RunView {
  runId: string;
  mode: RunMode;
  pipelineVersion: number;
  status: PipelineStatus;
  reason?: string;
  startedAt: string;
  stoppedAt?: string;
  stages: StageCountView[];
}

/** What the events read model knows about a pipeline's runs. */
export interface PipelineRunState {
  status: PipelineStatus;
  reason?: string;
  currentRun?: RunView;
  totals: { in: number; out: number; rejected: number };
}

/** The latest version of a pipeline, from the compacted definitions topic. */
export interface StoredPipeline {
  id: string;
  name: string;
  version: number;
  /** The normalised definition (`PipelineDefinition.definition` parsed). */
  definition: PipelineDefinition;
  createdAt: number;
  updatedAt: number;
  updatedBy: string;
}

export interface ProcessorView {
  processorId: string;
  url: string;
  pipelines: string[];
  paused: string[];
  /** ISO-8601 time of its last announcement. */
  lastSeen: string;
}

/** One event of `pipeline.events` (or `staging.events`) as the read model hands it on. */
export interface PipelineEvent {
  /** Full event type name, e.g. `tributary.pipeline.RunStarted`. */
  type: string;
  /** The pipeline it is about, when it is about one (processor announcements are not). */
  pipelineId?: string;
  value: unknown;
  correlationId?: string;
}

/** Read model of `pipeline.definitions`. */
export interface DefinitionsPort {
  get(pipelineId: string): StoredPipeline | undefined;
  list(): StoredPipeline[];
  /** Called after every change the view applies; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

/** Read model of `pipeline.events` (runs, processors) and the correlation of commands to answers. */
export interface PipelineEventsPort {
  pipeline(pipelineId: string): PipelineRunState | undefined;
  /** Newest first. */
  runs(pipelineId: string): RunView[];
  run(pipelineId: string, runId: string): RunView | undefined;
  /** Live processors (those whose announcements have not stopped). */
  processors(): ProcessorView[];
  /**
   * The first event carrying `correlationId` that arrives after the call, or undefined after
   * `timeoutMs`. Call it before sending the command so the answer cannot be missed.
   */
  waitForCorrelation(correlationId: string, timeoutMs: number): Promise<PipelineEvent | undefined>;
  /** Every event the view applies, as it applies it; returns the unsubscribe function. */
  subscribe(listener: (event: PipelineEvent) => void): () => void;
}
