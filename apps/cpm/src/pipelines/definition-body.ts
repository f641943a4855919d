import { DefinitionError, parseDefinition, type PipelineDefinition } from '@tributary/pipelines';
import { checkPipelineQuality } from '@tributary/quality-rules';
import type { Request } from 'express';
import { CpmHttpError } from '../errors.js';

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];
const JSON_TYPES = ['application/json'];

/** `400 TRIB_DEFINITION_INVALID` with every issue (path, field, message, line, column). */
export function definitionInvalid(err: DefinitionError): CpmHttpError {
  return new CpmHttpError(400, 'TRIB_DEFINITION_INVALID', err.message, { issues: err.details.map((i) => ({ ...i })) }, { cause: err });
}

/**
 * The definition in a request body: YAML (`application/yaml`, `text/yaml`) or JSON, parsed and
 * validated by `@tributary/pipelines` (and its quality rules by `@tributary/quality-rules`) so a bad one is refused here, naming the field and its position.
 * Without a Content-Type the text decides (JSON when it starts with `{`).
 */
export function definitionFromBody(req: Request): PipelineDefinition {
  const type = (req.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  let format: 'yaml' | 'json' | undefined;
  if (JSON_TYPES.includes(type) || type.endsWith('+json')) format = 'json';
  else if (YAML_TYPES.includes(type)) format = 'yaml';
  else if (type !== '' && type !== 'text/plain') {
    throw new CpmHttpError(415, 'TRIB_UNSUPPORTED_MEDIA_TYPE', `a definition is YAML (application/yaml, text/yaml) or JSON (application/json), not ${type}`, {
      contentType: type,
    });
  }
  const text = typeof req.body === 'string' ? req.body : '';
  if (text.trim() === '') {
    throw new CpmHttpError(400, 'TRIB_DEFINITION_INVALID', 'the body is empty: send the pipeline definition', {
      issues: [{ path: '', field: '', message: 'empty body' }],
    });
  }
  try {
    const definition = parseDefinition(text, format === undefined ? {} : { format });
    checkPipelineQuality(definition);
    return definition;
  } catch (err) {
    if (err instanceof DefinitionError) throw definitionInvalid(err);
    throw err;
  }
}

/**
 * The version in `If-Match: "<version>"` (also `W/"3"` or a bare `3`); undefined when absent or `*`
 * (no check). Anything else is a 400: a precondition we cannot read must not be silently skipped.
 */
export function expectedVersionFrom(req: Request): number | undefined {
  const header = req.get('if-match')?.trim();
  if (header === undefined || header === '' || header === '*') return undefined;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header);
  if (!match?.[1]) {
    throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', 'If-Match must be the pipeline version, e.g. If-Match: "3"', { ifMatch: header });
  }
  return Number(match[1]);
}
