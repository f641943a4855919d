// The only public door of @tributary/pipelines: pipeline definitions as a pure library (no Kafka, no HTTP).
export { DefinitionError } from './errors.js';
export type { PipelinesErrorCode } from './errors.js';
export { pipelineDefaults } from './options.js';
export { parseDefinition } from './definition/parse.js';
export type { ParseOptions } from './definition/parse.js';
export { outputSchema, validateDefinition } from './definition/validate.js';
export type { PipelineDefinitionInput } from './definition/normalize.js';
export { inferInputSchema } from './definition/infer.js';
export { fromPointer, toDotted } from './definition/issues.js';
export { DEFINITION_SCHEMA_URL, definitionJsonSchema } from './definition/schema.js';
export { compilePipeline } from './pipeline.js';
export { avroNamespaceFor, pipelineAvroSchemas, toAvroSchema } from './avro.js';
export type { AvroNaming } from './avro.js';
export { DedupeWindow } from './stages/index.js';
export { FIELD_TYPES, castValue, typeMismatch } from './values.js';
export { ExpressionScope } from './expressions/compile.js';
export type { CompiledExpression, CompileOutcome } from './expressions/compile.js';
export { parseWindow } from './duration.js';
export type {
  ApplyContext,
  ApplyResult,
  BatchResult,
  CastStage,
  CompileOptions,
  CompiledPipeline,
  ComputedField,
  DataRecord,
  DedupeStage,
  DefinitionIssue,
  DropStage,
  EnrichMissingPolicy,
  EnrichStage,
  FieldDeclaration,
  FieldType,
  FilterStage,
  IngestDedupe,
  KafkaSink,
  MapStage,
  PipelineDefinition,
  RecordError,
  RenameStage,
  Scalar,
  SinkDefinition,
  StageCount,
  StageDefinition,
  StageType,
} from './types.js';
