import type { Priority } from '@tributary/schemas';
import { pipelineDefaults } from '../options.js';
import type {
  DataRecord,
  EnrichStage,
  FieldDeclaration,
  IngestDedupe,
  KafkaSink,
  PipelineDefinition,
  StageDefinition,
} from '../types.js';
import { inferFields } from './infer.js';
import type { IssueList } from './issues.js';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** A definition as people write it: before defaults, with `inferFrom` instead of a pinned schema. */
export interface PipelineDefinitionInput {
  readonly $schema?: string;
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly input: { readonly schema?: readonly FieldDeclaration[]; readonly inferFrom?: readonly DataRecord[] };
  readonly key?: readonly string[];
  readonly priority?: Priority;
  readonly stages: readonly (StageDefinition | (Omit<EnrichStage, 'missing'> & { readonly missing?: EnrichStage['missing'] | null }))[];
  readonly sinks?: readonly (Omit<KafkaSink, 'topic'> & { readonly topic?: string })[];
  readonly dedupe?: IngestDedupe;
  readonly quality?: Readonly<Record<string, unknown>>;
}

/**
 * Applies defaults and pins an inferred input schema. `raw` has passed the JSON Schema, so shapes are
 * right; the result is a fresh object (the caller's is never changed).
 */
export function normalize(raw: PipelineDefinitionInput, issues: IssueList): PipelineDefinition {
  const schema = raw.input.schema
    ? raw.input.schema.map((f) => ({ ...f }))
    : inferFields(raw.input.inferFrom ?? [], issues, ['input', 'inferFrom']);
  const out: Writable<PipelineDefinition> = {
    id: raw.id,
    name: raw.name,
    input: { schema },
    priority: raw.priority ?? pipelineDefaults.priority,
    stages: raw.stages.map(normalizeStage),
    sinks: (raw.sinks ?? [pipelineDefaults.sink]).map((s) => ({ type: s.type, topic: s.topic ?? pipelineDefaults.sink.topic })),
  };
  if (raw.description !== undefined) out.description = raw.description;
  if (raw.key !== undefined) out.key = [...raw.key];
  if (raw.dedupe !== undefined) out.dedupe = { ...raw.dedupe };
  if (raw.quality !== undefined) out.quality = structuredClone(raw.quality);
  return out;
}

function normalizeStage(stage: PipelineDefinitionInput['stages'][number]): StageDefinition {
  // structuredClone: stages hold nested objects (fields, tables) that must not alias the caller's.
  const copy = structuredClone(stage) as Writable<StageDefinition>;
  if (copy.type === 'enrich') {
    // YAML reads `missing: null` as null, JSON authors write "null": both mean the same policy.
    copy.missing = (stage as { missing?: EnrichStage['missing'] | null }).missing ?? pipelineDefaults.enrichMissing;
  }
  return copy;
}
