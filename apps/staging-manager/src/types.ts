import type { PipelineDefinition } from '@tributary/pipelines';

/** One version of a pipeline's definition, validated and normalised. */
export interface PipelineVersion {
  readonly pipelineId: string;
  readonly version: number;
  readonly definition: PipelineDefinition;
}

/**
 * The pipelines that exist, as the staging manager needs them. {@link definitionsSource} builds it on
 * the definitions view of @tributary/pipeline-state; unit tests of pure logic can pass a fake.
 */
export interface DefinitionsSource {
  /** Catches up with the definitions topic; resolves once the current pipelines are known. */
  start(): Promise<void>;
  /** Every existing pipeline with a valid definition, latest version. */
  list(): PipelineVersion[];
  get(pipelineId: string): PipelineVersion | undefined;
  /** Called after any change of the pipeline set or of a definition; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  close(): Promise<void>;
}
