import type { Priority } from '@tributary/schemas';

/**
 * Field types a definition can declare. They are Avro's primitive names plus `timestamp`, which is
 * an Avro `long` with logical type `timestamp-millis` (epoch milliseconds).
 */
export type FieldType = 'string' | 'int' | 'long' | 'float' | 'double' | 'boolean' | 'timestamp';

/** A value a flat record field can hold. */
export type Scalar = string | number | boolean;

/** One record flowing through a pipeline: a flat object of scalar (or null) values. */
export type DataRecord = Record<string, unknown>;

/** A declared field of an input or output schema. */
export interface FieldDeclaration {
  readonly name: string;
  readonly type: FieldType;
  /** The field may hold null (Avro `["null", type]`). Default false. */
  readonly nullable?: boolean;
  /** Value used when a record lacks the field; must match `type` (or be null when nullable). */
  readonly default?: Scalar | null;
  readonly doc?: string;
}

/** A computed field of a map stage: an expression, optionally with its declared result type. */
export interface ComputedField {
  readonly expr: string;
  /** Declared result type; when absent it is the expression's static type (see docs/pipelines.md). */
  readonly type?: FieldType;
  readonly nullable?: boolean;
}

interface StageBase {
  /** Stage name in errors and counts; unique in a definition. Default `<type>-<index>`. */
  readonly id?: string;
}

export interface MapStage extends StageBase {
  readonly type: 'map' | 'derive';
  readonly fields: Readonly<Record<string, string | ComputedField>>;
}

export interface FilterStage extends StageBase {
  readonly type: 'filter';
  /** Boolean expression; records for which it is false are dropped. */
  readonly where: string;
}

export interface RenameStage extends StageBase {
  readonly type: 'rename';
  /** `{ from: to }` */
  readonly fields: Readonly<Record<string, string>>;
}

export interface DropStage extends StageBase {
  readonly type: 'drop';
  readonly fields: readonly string[];
}

export interface CastStage extends StageBase {
  readonly type: 'cast';
  readonly fields: Readonly<Record<string, FieldType>>;
}

export interface DedupeStage extends StageBase {
  readonly type: 'dedupe';
  /** Fields whose values together identify a duplicate. */
  readonly keys: readonly string[];
  /** How long a key is remembered, e.g. `500ms`, `30s`, `10m`, `2h`, `1d`. */
  readonly window: string;
  /** Event-time field (epoch ms); default the arrival time passed as `ctx.now`. */
  readonly timeField?: string;
  /** Most keys remembered at once (oldest forgotten first). Default `pipelineDefaults.dedupeMaxKeys`. */
  readonly maxKeys?: number;
}

export type EnrichMissingPolicy = 'null' | 'drop' | 'error';

export interface EnrichStage extends StageBase {
  readonly type: 'enrich';
  /** Field whose value (as a string) is looked up in `table`. */
  readonly on: string;
  readonly table: Readonly<Record<string, Readonly<Record<string, Scalar | null>>>>;
  /** Columns of the table copied onto the record. */
  readonly fields: readonly string[];
  /** What to do when the lookup finds no row. Default `null` (set the fields to null). */
  readonly missing: EnrichMissingPolicy;
}

export type StageDefinition = MapStage | FilterStage | RenameStage | DropStage | CastStage | DedupeStage | EnrichStage;
export type StageType = StageDefinition['type'];

export interface KafkaSink {
  readonly type: 'kafka';
  /** Suffix of the output topic `tributary.data.<pipelineId>.<topic>`. Default `processed`. */
  readonly topic: string;
}
export type SinkDefinition = KafkaSink;

/** Dedupe at staging: records with the same `key` within `window` are dropped before the stages. */
export interface IngestDedupe {
  readonly window: string;
  readonly maxKeys?: number;
}

/**
 * A validated, normalised pipeline definition: defaults applied, `missing: null` spelled `'null'`,
 * and an inferred input schema pinned into `input.schema`.
 */
export interface PipelineDefinition {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly input: { readonly schema: readonly FieldDeclaration[] };
  /** Record key fields (the Kafka message key is built from them). */
  readonly key?: readonly string[];
  readonly priority: Priority;
  readonly stages: readonly StageDefinition[];
  readonly sinks: readonly SinkDefinition[];
  readonly dedupe?: IngestDedupe;
  /**
   * Quality rules, opaque here: @tributary/quality-rules validates and compiles them against the
   * output fields (it depends on this library's expressions, so this library cannot check them).
   */
  readonly quality?: Readonly<Record<string, unknown>>;
}

/** One reason a definition was refused. */
export interface DefinitionIssue {
  /** JSON pointer to the offending value, e.g. `/stages/2/fields/total` (`''` for the document). */
  readonly path: string;
  /** The same location written as a property path, e.g. `stages[2].fields.total`. */
  readonly field: string;
  readonly message: string;
  /** 1-based position in the source text, when the definition was parsed from text. */
  readonly line?: number;
  readonly column?: number;
}

/** Per-record context given to `apply`. */
export interface ApplyContext {
  /** Arrival time (epoch ms) used by dedupe stages without a `timeField`. Default the pipeline clock. */
  readonly now?: number;
}

export interface RecordError {
  /** Stage id (`id`, or `<type>-<index>`). */
  readonly stage: string;
  readonly stageIndex: number;
  readonly message: string;
}

export interface ApplyResult {
  /** The transformed record, or null when a stage filtered, deduped, dropped it or failed. */
  readonly output: DataRecord | null;
  readonly error?: RecordError;
}

export interface StageCount {
  readonly stage: string;
  readonly type: StageType;
  in: number;
  out: number;
  error: number;
}

export interface BatchResult {
  /** Surviving records, in input order. */
  readonly outputs: DataRecord[];
  /** One entry per failed record; `index` is its position in the batch. */
  readonly errors: (RecordError & { readonly index: number })[];
  /** Counts per stage in pipeline order (the shape of `StageCounts` in RunProgress). */
  readonly counts: StageCount[];
}

export interface CompiledPipeline {
  readonly definition: PipelineDefinition;
  /** Fields of the records `apply` emits. */
  readonly outputFields: readonly FieldDeclaration[];
  apply(record: DataRecord, ctx?: ApplyContext): ApplyResult;
  applyBatch(records: readonly DataRecord[], ctx?: ApplyContext): BatchResult;
}

export interface CompileOptions {
  /** Clock for arrival time when `ctx.now` is absent. Default `Date.now`. */
  readonly clock?: () => number;
}
