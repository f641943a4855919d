import { LineCounter, parseDocument, type Document } from 'yaml';
import { DefinitionError } from '../errors.js';
import type { DefinitionIssue, PipelineDefinition } from '../types.js';
import { fromPointer } from './issues.js';
import { validateDefinition } from './validate.js';

export interface ParseOptions {
  /** Source format. Default: JSON when the text starts with `{`, YAML otherwise. */
  readonly format?: 'yaml' | 'json';
}

// YAML aliases can multiply a small text into a huge object ("billion laughs"): cap them.
const MAX_ALIASES = 100;

/**
 * Parses a YAML or JSON definition and validates it. Every issue of the thrown DefinitionError
 * carries the line and column of the offending value in `text`.
 */
export function parseDefinition(text: string, options: ParseOptions = {}): PipelineDefinition {
  const format = options.format ?? (text.trimStart().startsWith('{') ? 'json' : 'yaml');
  const lines = new LineCounter();
  // YAML 1.2 core schema: no custom tags, so nothing in the text can construct objects or run code.
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  let value: unknown;
  if (format === 'json') {
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new DefinitionError([{ path: '', field: '', message: `not valid JSON: ${(err as Error).message}` }], { cause: err });
    }
  } else {
    if (doc.errors.length > 0) {
      throw new DefinitionError(
        doc.errors.map((e) => {
          const at = e.linePos?.[0];
          const where = at ? { line: at.line, column: at.col } : {};
          return { path: '', field: '', message: `not valid YAML: ${(e.message.split('\n')[0] ?? e.code).replace(/:$/, '')}`, ...where };
        }),
      );
    }
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  }
  try {
    return validateDefinition(value);
  } catch (err) {
    if (!(err instanceof DefinitionError) || doc.errors.length > 0) throw err;
    throw new DefinitionError(err.details.map((issue) => locate(issue, doc, lines)), { cause: err.cause });
  }
}

/** Adds the position of the nearest existing node on the issue's path (a missing key points at its parent). */
function locate(issue: DefinitionIssue, doc: Document, lines: LineCounter): DefinitionIssue {
  const path = fromPointer(issue.path);
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    const offset = node?.range?.[0];
    if (offset === undefined) continue;
    const pos = lines.linePos(offset);
    return { ...issue, line: pos.line, column: pos.col };
  }
  return issue;
}
