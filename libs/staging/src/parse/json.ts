import { parse as parseTolerant, type ParseError } from 'jsonc-parser';
import { IngestParseError } from '../errors.js';
import { lineColumnAt } from './text.js';

/**
 * Records of an `application/json` body: an array of records, or one record object on its own (a
 * client sending a single event should not have to wrap it; a record is always an object, so this
 * is never ambiguous). Elements are returned whatever they are: a non-object element is rejected
 * per record by validation (422), not here, so the valid records of the request still get in.
 */
export function parseJsonRecords(text: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw jsonSyntaxError(text, err, 0, text);
  }
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object') return [value];
  const position = text.length - text.trimStart().length;
  const { line, column } = lineColumnAt(text, position);
  throw new IngestParseError({ line, column, position, message: 'Expected an array of records or one record object' });
}

/**
 * An IngestParseError for a JSON.parse failure on `fragment`, which starts at `offset` of the whole
 * body `text` (NDJSON parses one line at a time).
 */
export function jsonSyntaxError(fragment: string, err: unknown, offset: number, text: string): IngestParseError {
  const { position, reason } = locateJsonError(fragment, err);
  const { line, column } = lineColumnAt(text, offset + position);
  return new IngestParseError({ line, column, position: offset + position, message: reason }, { cause: err });
}

/**
 * Where JSON.parse stopped, and why. V8 puts "at position N" in most messages (Node 22+ adds
 * "(line L column C)"); that is authoritative. Some messages carry no position ("Unexpected token
 * '}', "…" is not valid JSON", "Unexpected end of JSON input"): then a second, tolerant parser
 * (jsonc-parser, strict settings) finds the offending offset. Only failed bodies pay for it.
 */
export function locateJsonError(text: string, err: unknown): { position: number; reason: string } {
  const message = err instanceof Error ? err.message : String(err);
  const at = /at position (\d+)/.exec(message);
  if (at?.[1] !== undefined) {
    const reason = message.replace(/ (?:in JSON )?at position \d+[\s\S]*$/, '').replace(/ \(line \d+ column \d+\)$/, '');
    return { position: Math.min(Number(at[1]), text.length), reason };
  }
  // Drop V8's echo of the body ("…" is not valid JSON): the location already says where.
  const token = /^Unexpected token '([\s\S]*?)', [\s\S]*is not valid JSON$/.exec(message);
  const reason = token ? `Unexpected token '${token[1]}'` : message;
  if (/Unexpected end of JSON input/.test(message)) return { position: text.length, reason };
  const errors: ParseError[] = [];
  parseTolerant(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  // Prefer the error sitting on the token V8 named, so the message and the position agree.
  const unexpected = token?.[1];
  const named = unexpected === undefined ? undefined : errors.find((e) => text.startsWith(unexpected, e.offset));
  const first = named ?? errors[0];
  return { position: first ? Math.min(first.offset, text.length) : text.length, reason };
}
