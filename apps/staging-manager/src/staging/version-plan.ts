import type { PipelineDefinition } from '@tributary/pipelines';
import { pipelineAvroSchemas } from '@tributary/pipelines';
import { codecAvroType } from '@tributary/schemas';
import { compileRecordValidator, type FieldSpec, type RecordValidator } from '@tributary/staging';
import type { PipelineVersion } from '../types.js';
import { parseWindowMs } from './window.js';

/** How records of one pipeline version are staged; compiled once per version. */
export interface VersionPlan extends PipelineVersion {
  /** The input schema as @tributary/staging field specs. */
  readonly fields: readonly FieldSpec[];
  /** Strict JSON rules, or CSV's text forms (records ingested from CSV are JSON objects of strings). */
  readonly validators: { readonly json: RecordValidator; readonly csv: RecordValidator };
  /** The Avro Input type, to check a staged record fits before it is queued. */
  readonly inputType: ReturnType<typeof codecAvroType>;
  /** Ingest dedupe by record key, when the definition asks for it. */
  readonly dedupe: { readonly keyFields: readonly string[]; readonly windowMs: number; readonly maxKeys: number | undefined } | undefined;
}

/** Adapts a definition's input schema to the field specs of @tributary/staging (same type names). */
export function fieldSpecsOf(definition: PipelineDefinition): FieldSpec[] {
  return definition.input.schema.map((f) => {
    const spec: { name: string; type: FieldSpec['type']; nullable?: boolean; default?: unknown } = { name: f.name, type: f.type };
    if (f.nullable !== undefined) spec.nullable = f.nullable;
    if (f.default !== undefined) spec.default = f.default;
    return spec;
  });
}

export function compileVersionPlan(version: PipelineVersion): VersionPlan {
  const { definition } = version;
  const fields = fieldSpecsOf(definition);
  const { input } = pipelineAvroSchemas(definition);
  const windowMs = definition.dedupe ? parseWindowMs(definition.dedupe.window) : undefined;
  return {
    ...version,
    fields,
    validators: {
      json: compileRecordValidator(fields, { source: 'json' }),
      csv: compileRecordValidator(fields, { source: 'csv' }),
    },
    inputType: codecAvroType(input),
    dedupe:
      definition.dedupe && windowMs !== undefined && definition.key && definition.key.length > 0
        ? { keyFields: definition.key, windowMs, maxKeys: definition.dedupe.maxKeys }
        : undefined,
  };
}

/** Plans by pipeline id, recompiled only when the version changes. */
export class VersionPlans {
  readonly #plans = new Map<string, VersionPlan>();

  constructor(private readonly lookup: (pipelineId: string) => PipelineVersion | undefined) {}

  /** The plan of the pipeline's current version; undefined for a pipeline that does not exist (any more). */
  current(pipelineId: string): VersionPlan | undefined {
    const version = this.lookup(pipelineId);
    if (!version) {
      this.#plans.delete(pipelineId);
      return undefined;
    }
    const known = this.#plans.get(pipelineId);
    if (known && known.version === version.version && known.definition === version.definition) return known;
    const plan = compileVersionPlan(version);
    this.#plans.set(pipelineId, plan);
    return plan;
  }
}
