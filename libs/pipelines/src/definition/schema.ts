import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { IssueList, fromPointer } from './issues.js';

/**
 * The JSON Schema of the definition format, shipped beside src/ and dist/ (both one level below the
 * package root, so the same relative URL works from TypeScript sources and from the build).
 */
export const DEFINITION_SCHEMA_URL = new URL('../../schema/pipeline-definition.schema.json', import.meta.url);

let validator: ValidateFunction | undefined;

/** The schema as JSON, for editors and for CPM's OpenAPI document. */
export function definitionJsonSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(DEFINITION_SCHEMA_URL, 'utf8')) as Record<string, unknown>;
}

function compiled(): ValidateFunction {
  if (validator) return validator;
  // allErrors: report every fault at once, so a person fixes a definition in one round trip.
  // verbose: errors carry their schema, where the readable `x-invalid` message lives.
  // strictRequired off: `not: { required: [...] }` names properties declared beside it, not in it.
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
  // An annotation: the sentence shown instead of "must match pattern …" for that schema.
  ajv.addKeyword({ keyword: 'x-invalid', schemaType: 'string' });
  validator = ajv.compile(definitionJsonSchema());
  return validator;
}

/** Schema violations of `value`, made readable; empty when it conforms. */
export function schemaIssues(value: unknown): IssueList {
  const issues = new IssueList();
  const validate = compiled();
  if (validate(value)) return issues;
  for (const error of validate.errors ?? []) {
    const readable = describe(error);
    if (readable) issues.add(readable.path, readable.message);
  }
  return issues;
}

// Keywords whose default ajv message ("must match pattern "^[a-z0-9]…"") is better replaced by the
// schema's own sentence.
const REPLACEABLE = new Set(['pattern', 'not', 'minProperties', 'minLength', 'maxLength']);

function describe(error: ErrorObject): { path: (string | number)[]; message: string } | undefined {
  const path = fromPointer(error.instancePath);
  // An error inside `propertyNames` is about a key, which the instance path does not include.
  const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;
  if (propertyName !== undefined) path.push(propertyName);
  const params: Record<string, unknown> = error.params;
  const custom: unknown = error.parentSchema?.['x-invalid'];
  switch (error.keyword) {
    case 'if':
    case 'propertyNames':
      // Summaries of errors already reported in detail.
      return undefined;
    case 'required':
      return { path: [...path, String(params['missingProperty'])], message: 'is required' };
    case 'additionalProperties':
      return { path: [...path, String(params['additionalProperty'])], message: 'is not allowed here (unknown property)' };
    case 'enum':
      // `[null, "null"]` (YAML null or the string) reads as one choice.
      return { path, message: `must be one of: ${[...new Set((params['allowedValues'] as unknown[]).map(String))].join(', ')}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(params['allowedValue'])}` };
    case 'type':
      return { path, message: `must be ${String(params['type']).replaceAll(',', ' or ')}` };
    default:
      if (typeof custom === 'string' && REPLACEABLE.has(error.keyword)) return { path, message: custom };
      return { path, message: error.message ?? `fails ${error.keyword}` };
  }
}
