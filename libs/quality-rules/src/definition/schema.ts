import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { type IssueCollector, type PathSegment, fromPointer } from './issues.js';

/**
 * The JSON Schema of a rule set, shipped beside src/ and dist/ (both one level below the package
 * root, so the same relative URL works from TypeScript sources and from the build).
 */
export const QUALITY_RULES_SCHEMA_URL = new URL('../../schema/quality-rules.schema.json', import.meta.url);

let validator: ValidateFunction | undefined;

/** The schema as JSON, for editors, for the pipeline definition schema and for CPM's OpenAPI document. */
export function qualityRulesJsonSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(QUALITY_RULES_SCHEMA_URL, 'utf8')) as Record<string, unknown>;
}

function compiled(): ValidateFunction {
  if (validator) return validator;
  // allErrors: every fault at once, so a person fixes a rule set in one round trip.
  // verbose: errors carry their schema, where the readable `x-invalid` message lives.
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
  ajv.addKeyword({ keyword: 'x-invalid', schemaType: 'string' });
  validator = ajv.compile(qualityRulesJsonSchema());
  return validator;
}

/** Reports the schema violations of `value`; returns true when it conforms. */
export function checkSchema(value: unknown, issues: IssueCollector): boolean {
  const validate = compiled();
  if (validate(value)) return true;
  for (const error of validate.errors ?? []) {
    const readable = describe(error);
    if (readable) issues.add(readable.path, readable.message);
  }
  return false;
}

// Keywords whose default ajv message ("must match pattern "^[a-z0-9]…"") is better replaced by the
// schema's own sentence.
const REPLACEABLE = new Set(['pattern', 'anyOf', 'maxLength']);

function describe(error: ErrorObject): { path: PathSegment[]; message: string } | undefined {
  const path = fromPointer(error.instancePath);
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
      // A branch of "min, max or both": the anyOf error itself says it in one sentence.
      if (error.schemaPath.includes('/anyOf/')) return undefined;
      return { path: [...path, String(params['missingProperty'])], message: 'is required' };
    case 'additionalProperties':
      return { path: [...path, String(params['additionalProperty'])], message: 'is not allowed here (unknown property)' };
    case 'enum':
      return { path, message: `must be one of: ${(params['allowedValues'] as unknown[]).map(String).join(', ')}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(params['allowedValue'])}` };
    case 'type':
      return { path, message: `must be ${String(params['type']).replaceAll(',', ' or ')}` };
    default:
      if (typeof custom === 'string' && REPLACEABLE.has(error.keyword)) return { path, message: custom };
      return { path, message: error.message ?? `fails ${error.keyword}` };
  }
}
