import { IngestTooLargeError } from '../errors.js';
import { jsonSyntaxError } from './json.js';
import type { IngestLimits } from './options.js';

/**
 * Records of an `application/x-ndjson` body: one JSON value per line ("\n" or "\r\n"); blank and
 * whitespace-only lines are skipped. A line that is not JSON fails the whole body with its line and
 * column; a line that is JSON but not an object is left to validation (a per-record 422).
 * Counting stops at `maxRecords + 1`, so an oversized body is refused without parsing all of it.
 */
export function parseNdjsonRecords(text: string, limits: IngestLimits): { records: unknown[]; lines: number[] } {
  const records: unknown[] = [];
  const lines: number[] = [];
  let lineNo = 0;
  for (let start = 0; start <= text.length; ) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    lineNo++;
    const line = text.slice(start, end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    if (line.trim() !== '') {
      if (records.length === limits.maxRecords) {
        throw new IngestTooLargeError(`more than ${limits.maxRecords} records in one request`, {
          limit: 'maxRecords',
          max: limits.maxRecords,
          actual: limits.maxRecords + 1,
        });
      }
      try {
        records.push(JSON.parse(line));
      } catch (err) {
        throw jsonSyntaxError(line, err, start, text);
      }
      lines.push(lineNo);
    }
    if (nl === -1) break;
    start = nl + 1;
  }
  return { records, lines };
}
