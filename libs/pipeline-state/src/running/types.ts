import type { PipelineDefinition } from '@tributary/pipelines';

/** One version of a pipeline's definition, validated and normalised. */
export interface PipelineVersion {
  readonly pipelineId: string;
  readonly version: number;
  readonly definition: PipelineDefinition;
}

/** A pipeline that should run now: its status is RUNNING. */
export interface RunningPipeline extends PipelineVersion {
  /** The live run records without a `run-id` header belong to; undefined when only a replay runs. */
  readonly liveRunId: string | undefined;
}

/**
 * What a per-pipeline service needs to know about pipelines, derived from Kafka (the definitions topic and
 * the pipeline events). {@link pipelineStateSource} builds it on @tributary/pipeline-state; tests of
 * pure logic can pass a fake.
 */
export interface PipelineSource {
  /** Catches up with the topics; resolves once the current state is known. */
  start(): Promise<void>;
  /** Every pipeline whose status is RUNNING and whose definition is known and valid. */
  running(): RunningPipeline[];
  /** The current definition of any existing pipeline (for preview, pause), or undefined. */
  definition(pipelineId: string): PipelineVersion | undefined;
  /** The current live run of a pipeline (read at every record, so a new run needs no restart). */
  liveRunId(pipelineId: string): string | undefined;
  /** Called after any change that may alter `running()`; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  close(): Promise<void>;
}
