import { PIPELINE_DATA_STAGES, isValidPipelineId } from '@tributary/schemas';
import { toDeclarations, toFieldMap, unknownField } from '../field-map.js';
import { checkWindow, planStage, type StagePlan } from '../stages/index.js';
import type { FieldDeclaration, PipelineDefinition, StageType } from '../types.js';
import { typeMismatch } from '../values.js';
import { IssueList, type PathSegment } from './issues.js';

export interface PlannedStage {
  readonly id: string;
  readonly index: number;
  readonly type: StageType;
  readonly plan: StagePlan;
}

export interface Analysis {
  readonly issues: IssueList;
  readonly stages: readonly PlannedStage[];
  readonly outputFields: FieldDeclaration[];
}

/** A stage's name in errors and counts. */
export function stageId(stage: { id?: string; type: string }, index: number): string {
  return stage.id ?? `${stage.type}-${index}`;
}

/**
 * The checks the JSON Schema cannot express, made by walking the stages with the set of fields that
 * reaches each one: unknown fields, expression compile and type errors, duplicate stage ids,
 * windows, enrich tables. Every stage is checked even after a faulty one, so one pass names all.
 */
export function analyzeDefinition(definition: PipelineDefinition, issues = new IssueList()): Analysis {
  if (!isValidPipelineId(definition.id)) {
    issues.add(['id'], 'must be 1-64 of [a-z0-9_-], starting with a letter or digit');
  }
  checkInputSchema(definition.input.schema, issues);
  let fields = toFieldMap(definition.input.schema);
  definition.key?.forEach((name, i) => {
    if (!fields.has(name)) issues.add(['key', i], unknownField(name, fields));
  });
  if (definition.dedupe) {
    if (!definition.key) issues.add(['dedupe'], 'needs `key`: staging dedupes by the record key');
    checkWindow(definition.dedupe.window, (at, message) => issues.add(['dedupe', ...at], message));
  }
  checkSinks(definition, issues);

  const stages: PlannedStage[] = [];
  const ids = new Map<string, number>();
  definition.stages.forEach((stage, index) => {
    const id = stageId(stage, index);
    const other = ids.get(id);
    if (other !== undefined) issues.add(['stages', index, ...(stage.id ? ['id'] : [])], `duplicate stage id "${id}" (also stages[${other}])`);
    ids.set(id, index);
    const report = (at: readonly PathSegment[], message: string) => issues.add(['stages', index, ...at], message);
    const plan = planStage(stage, fields, report);
    stages.push({ id, index, type: stage.type, plan });
    fields = plan.fields;
  });
  return { issues, stages, outputFields: toDeclarations(fields) };
}

function checkInputSchema(schema: readonly FieldDeclaration[], issues: IssueList): void {
  const names = new Map<string, number>();
  schema.forEach((field, i) => {
    const first = names.get(field.name);
    if (first !== undefined) issues.add(['input', 'schema', i, 'name'], `duplicate field "${field.name}" (also input.schema[${first}])`);
    names.set(field.name, i);
    if (field.default === undefined) return;
    if (field.default === null) {
      if (field.nullable !== true) issues.add(['input', 'schema', i, 'default'], 'is null but the field is not nullable');
      return;
    }
    const why = typeMismatch(field.default, field.type);
    if (why !== undefined) issues.add(['input', 'schema', i, 'default'], `${why} (${field.type})`);
  });
}

// Topics other parts of Tributary write (raw, staged, validated, quarantine, rejected): a sink
// writing there would feed the pipeline its own output or fake a quality verdict.
const RESERVED_SUFFIXES = new Set<string>(PIPELINE_DATA_STAGES.filter((s) => s !== 'processed'));

function checkSinks(definition: PipelineDefinition, issues: IssueList): void {
  const seen = new Set<string>();
  definition.sinks.forEach((sink, i) => {
    if (RESERVED_SUFFIXES.has(sink.topic)) issues.add(['sinks', i, 'topic'], `"${sink.topic}" is written by Tributary itself; use processed or a suffix of your own`);
    if (seen.has(sink.topic)) issues.add(['sinks', i, 'topic'], `duplicate sink topic "${sink.topic}"`);
    seen.add(sink.topic);
  });
}
