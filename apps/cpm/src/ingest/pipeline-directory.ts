import type { FieldSpec } from '@tributary/staging';
import type { DefinitionsPort } from '../pipelines/types.js';

/** What ingest needs of a pipeline: its declared input fields and its record key fields. */
export interface PipelineInput {
  readonly fields: FieldSpec[];
  /**
   * The definition's `key`: records with the same key get the same record id (`k-…`), so they land on
   * the same partition and a dedupe stage sees them together. Empty → per-request ids (`r-…`).
   */
  readonly keyFields: readonly string[];
}

/**
 * Where ingest learns a pipeline's input. main.ts uses {@link definitionsDirectory} over the read
 * model of `tributary.pipeline.definitions`; tests of ingest alone use {@link InMemoryPipelineDirectory}.
 */
export interface PipelineDirectory {
  /** The pipeline's input, or undefined when there is no such pipeline (→ 404). */
  getInput(pipelineId: string): PipelineInput | undefined | Promise<PipelineInput | undefined>;
}

/** A fixed map of pipeline id → input fields (and key fields). */
export class InMemoryPipelineDirectory implements PipelineDirectory {
  readonly #pipelines = new Map<string, PipelineInput>();

  constructor(pipelines: Readonly<Record<string, FieldSpec[]>> = {}) {
    for (const [id, fields] of Object.entries(pipelines)) this.set(id, fields);
  }

  set(pipelineId: string, fields: readonly FieldSpec[], keyFields: readonly string[] = []): void {
    this.#pipelines.set(pipelineId, { fields: fields.map((f) => ({ ...f })), keyFields: [...keyFields] });
  }

  delete(pipelineId: string): void {
    this.#pipelines.delete(pipelineId);
  }

  getInput(pipelineId: string): PipelineInput | undefined {
    return this.#pipelines.get(pipelineId);
  }
}

/**
 * The directory over the definitions read model (`tributary.pipeline.definitions`): a pipeline's input
 * is its definition's input schema and key. The same object is handed out while the version is
 * unchanged, so ingest's validator cache stays warm.
 */
export function definitionsDirectory(definitions: Pick<DefinitionsPort, 'get'>): PipelineDirectory {
  const cache = new Map<string, { version: number; input: PipelineInput }>();
  return {
    getInput(pipelineId) {
      const stored = definitions.get(pipelineId);
      if (!stored) {
        cache.delete(pipelineId);
        return undefined;
      }
      const hit = cache.get(pipelineId);
      if (hit?.version === stored.version) return hit.input;
      const fields: FieldSpec[] = stored.definition.input.schema.map((f) => ({
        name: f.name,
        type: f.type,
        ...(f.nullable === undefined ? {} : { nullable: f.nullable }),
        ...(f.default === undefined ? {} : { default: f.default }),
      }));
      const input = { fields, keyFields: stored.definition.key ?? [] };
      cache.set(pipelineId, { version: stored.version, input });
      return input;
    },
  };
}
