import { IngestTooLargeError } from '../errors.js';
import { parseCsvRecords } from './csv.js';
import { parseJsonRecords } from './json.js';
import { ingestFormatOf } from './media-type.js';
import { parseNdjsonRecords } from './ndjson.js';
import { type IngestLimits, resolveIngestLimits } from './options.js';
import { decodeBody } from './text.js';
import type { ParsedBody } from './types.js';

/**
 * Parses an ingest body into records. Checks, in this order, so the cheapest refusal comes first:
 * content type (UnsupportedMediaTypeError), body size, UTF-8, syntax (IngestParseError, with line,
 * column and position), record count, then each record's size (IngestTooLargeError).
 *
 * @param contentType the Content-Type header value, parameters included
 * @param limits overrides of `ingestLimitDefaults` (not modified)
 */
export function parseRecords(
  body: Buffer | string,
  contentType: string | undefined,
  limits: Partial<IngestLimits> = {},
): ParsedBody {
  const format = ingestFormatOf(contentType);
  const resolved = resolveIngestLimits(limits);
  const bodyBytes = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (bodyBytes > resolved.maxBodyBytes) {
    throw new IngestTooLargeError(`body of ${bodyBytes} bytes is over the limit of ${resolved.maxBodyBytes}`, {
      limit: 'maxBodyBytes',
      max: resolved.maxBodyBytes,
      actual: bodyBytes,
    });
  }
  const text = decodeBody(body);
  const parsed: Omit<ParsedBody, 'texts'> =
    format === 'json'
      ? { format, records: parseJsonRecords(text) }
      : { format, ...(format === 'ndjson' ? parseNdjsonRecords(text, resolved) : parseCsvRecords(text, resolved)) };
  if (parsed.records.length > resolved.maxRecords) {
    throw new IngestTooLargeError(`more than ${resolved.maxRecords} records in one request`, {
      limit: 'maxRecords',
      max: resolved.maxRecords,
      actual: parsed.records.length,
    });
  }
  return { ...parsed, texts: recordTexts(parsed, resolved.maxRecordBytes) };
}

/** Each record as JSON text, checked against the size limit. */
function recordTexts({ records, lines }: Omit<ParsedBody, 'texts'>, maxRecordBytes: number): string[] {
  const texts: string[] = new Array<string>(records.length);
  for (let index = 0; index < records.length; index++) {
    // JSON.stringify is undefined only for values JSON cannot hold, which a parsed body never has.
    const text = JSON.stringify(records[index]) ?? '';
    texts[index] = text;
    const bytes = Buffer.byteLength(text);
    if (bytes <= maxRecordBytes) continue;
    const line = lines?.[index];
    throw new IngestTooLargeError(
      `record ${index}${line === undefined ? '' : ` (line ${line})`} is ${bytes} bytes, over the limit of ${maxRecordBytes}`,
      { limit: 'maxRecordBytes', max: maxRecordBytes, actual: bytes, index, ...(line === undefined ? {} : { line }) },
    );
  }
  return texts;
}
