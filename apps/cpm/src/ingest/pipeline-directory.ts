import type { FieldSpec } from '@tributary/staging';

/**
 * Where ingest learns a pipeline's declared input fields. This is the seam for the pipeline manager:
 * today main.ts and tests use {@link InMemoryPipelineDirectory}; later a read model built by consuming
 * `tributary.pipeline.definitions` implements the same interface and nothing else in the CPM changes.
 */
export interface PipelineDirectory {
  /** The pipeline's declared input fields, or undefined when there is no such pipeline (→ 404). */
  getInputFields(pipelineId: string): FieldSpec[] | undefined | Promise<FieldSpec[] | undefined>;
}

/** A fixed map of pipeline id → input fields. */
export class InMemoryPipelineDirectory implements PipelineDirectory {
  readonly #pipelines = new Map<string, FieldSpec[]>();

  constructor(pipelines: Readonly<Record<string, FieldSpec[]>> = {}) {
    for (const [id, fields] of Object.entries(pipelines)) this.set(id, fields);
  }

  set(pipelineId: string, fields: readonly FieldSpec[]): void {
    this.#pipelines.set(pipelineId, fields.map((f) => ({ ...f })));
  }

  delete(pipelineId: string): void {
    this.#pipelines.delete(pipelineId);
  }

  getInputFields(pipelineId: string): FieldSpec[] | undefined {
    return this.#pipelines.get(pipelineId);
  }
}
