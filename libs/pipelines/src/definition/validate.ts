import { DefinitionError } from '../errors.js';
import type { FieldDeclaration, PipelineDefinition } from '../types.js';
import { analyzeDefinition, type Analysis } from './analyze.js';
import { IssueList } from './issues.js';
import { normalize, type PipelineDefinitionInput } from './normalize.js';
import { schemaIssues } from './schema.js';

export interface CheckedDefinition {
  readonly definition: PipelineDefinition;
  readonly analysis: Analysis;
}

/**
 * Validates in two passes: the JSON Schema (shapes, names, enums), then, on a well-shaped
 * definition only, the semantic checks (fields, expressions, windows). Throws DefinitionError.
 */
export function checkDefinition(value: unknown): CheckedDefinition {
  const shape = schemaIssues(value);
  if (!shape.empty) throw new DefinitionError(shape.issues);
  const issues = new IssueList();
  const definition = normalize(value as PipelineDefinitionInput, issues);
  // Inference faults leave no input schema to check stages against.
  if (!issues.empty) throw new DefinitionError(issues.issues);
  const analysis = analyzeDefinition(definition, issues);
  if (!issues.empty) throw new DefinitionError(issues.issues);
  return { definition: deepFreeze(definition), analysis };
}

/** Returns the normalised definition (defaults applied, inferred schema pinned) or throws DefinitionError. */
export function validateDefinition(value: unknown): PipelineDefinition {
  return checkDefinition(value).definition;
}

/**
 * The fields of the records a pipeline emits, after every stage: what its output topic's Avro
 * schema is made from (see toAvroSchema). Throws DefinitionError for an invalid definition.
 */
export function outputSchema(definition: PipelineDefinition | PipelineDefinitionInput): FieldDeclaration[] {
  return checkDefinition(definition).analysis.outputFields;
}

// A definition is shared by every record and every compiled copy: freezing it turns an accidental
// write into an error instead of a pipeline that changes under its own feet.
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
