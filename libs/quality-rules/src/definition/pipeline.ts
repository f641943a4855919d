import { DefinitionError, fromPointer, outputSchema, toDotted, type PipelineDefinition } from '@tributary/pipelines';
import { RuleSetError } from '../errors.js';
import type { CompileRuleSetOptions } from '../options.js';
import type { CompiledRuleSet, RuleSetIssue } from '../types.js';
import { compileRuleSet } from './compile.js';

/**
 * The compiled `quality:` section of a pipeline definition, checked against the pipeline's output
 * fields (the records the quality manager sees); undefined when the definition declares no rules.
 * Throws a RuleSetError whose issue paths start at `/quality`.
 */
export function pipelineRuleSet(definition: PipelineDefinition, options: Omit<CompileRuleSetOptions, 'basePath'> = {}): CompiledRuleSet | undefined {
  if (definition.quality === undefined) return undefined;
  return compileRuleSet(definition.quality, outputSchema(definition), { ...options, basePath: '/quality' });
}

/**
 * Refuses a definition whose quality rules are invalid with a DefinitionError, as `parseDefinition`
 * refuses the rest of it, so whoever applies definitions answers every fault the same way. Each
 * message names the rule id and the record field it is about.
 */
export function checkPipelineQuality(definition: PipelineDefinition): void {
  try {
    pipelineRuleSet(definition);
  } catch (err) {
    if (!(err instanceof RuleSetError)) throw err;
    throw new DefinitionError(
      err.issues.map((issue) => ({ path: issue.path, field: toDotted(fromPointer(issue.path)), message: describe(issue) })),
      { cause: err },
    );
  }
}

function describe(issue: RuleSetIssue): string {
  const rule = issue.ruleId === undefined ? '' : `rule "${issue.ruleId}"`;
  const field = issue.field === undefined ? '' : `field ${issue.field}`;
  const where = [rule, field].filter(Boolean).join(', ');
  return where === '' ? issue.message : `${where}: ${issue.message}`;
}
