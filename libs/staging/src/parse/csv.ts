import { CsvError, parse } from 'csv-parse/sync';
import { IngestParseError, IngestTooLargeError } from '../errors.js';
import type { IngestLimits } from './options.js';

const LF = 0x0a;
const CR = 0x0d;

/**
 * Records of a `text/csv` body (RFC 4180, comma-separated, "\n", "\r\n" or "\r" line ends). The first
 * row is the header and names the fields; every later row becomes one record whose values are all
 * strings (validation coerces them). Quoted fields may hold commas, quotes ("") and line breaks.
 * Blank lines are skipped. A row with a different number of fields than the header, a stray quote,
 * an unclosed quote, or an empty or duplicate header name fails the whole body.
 *
 * Lines are counted here, from the byte offset at which csv-parse ends each row, rather than taken
 * from csv-parse's own counter, which counts a "\r\n" inside a quoted value as two lines.
 */
export function parseCsvRecords(text: string, limits: IngestLimits): { records: unknown[]; lines: number[] } {
  const bytes = Buffer.from(text, 'utf8');
  const rowEnds: number[] = [];
  let rows: string[][];
  try {
    rows = parse(bytes, {
      skip_empty_lines: true,
      // One row past the limit (plus the header): an oversized body is refused without reading it all.
      to: limits.maxRecords + 2,
      on_record: (row: string[], context: { bytes: number }) => {
        rowEnds.push(context.bytes);
        return row;
      },
    });
  } catch (err) {
    throw csvSyntaxError(bytes, rowEnds, err);
  }
  const [header, ...body] = rows;
  if (header === undefined) return { records: [], lines: [] };
  if (body.length > limits.maxRecords) {
    throw new IngestTooLargeError(`more than ${limits.maxRecords} records in one request`, {
      limit: 'maxRecords',
      max: limits.maxRecords,
      actual: body.length,
    });
  }
  const lines = new LineCounter(bytes);
  // Only line breaks (ASCII) can precede the header, so its byte offset is also its position.
  const headerStart = rowStart(bytes, 0);
  checkHeader(header, lines.lineAt(headerStart), headerStart);
  // Object.fromEntries defines own properties, so a column named "__proto__" is data, not a prototype.
  const records = body.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i] ?? ''])));
  return { records, lines: body.map((_, i) => lines.lineAt(rowStart(bytes, rowEnds[i] ?? 0))) };
}

function checkHeader(header: string[], line: number, position: number): void {
  const seen = new Set<string>();
  header.forEach((name, i) => {
    const problem = name === '' ? 'Empty column name in the header' : seen.has(name) ? `Duplicate column name "${name}" in the header` : undefined;
    if (problem !== undefined) throw new IngestParseError({ line, column: i + 1, position, message: problem });
    seen.add(name);
  });
}

/** Where the row after the one ending at `previousEnd` starts: blank lines between rows are skipped. */
function rowStart(bytes: Buffer, previousEnd: number): number {
  let p = previousEnd;
  while (p < bytes.length && (bytes[p] === LF || bytes[p] === CR)) p++;
  return p;
}

/**
 * 1-based line of a byte offset, for offsets asked in increasing order (one pass over the body). A line
 * ends at "\n", "\r\n" or a lone "\r", the record delimiters csv-parse accepts.
 */
class LineCounter {
  #offset = 0;
  #line = 1;
  constructor(private readonly bytes: Buffer) {}

  lineAt(offset: number): number {
    const { bytes } = this;
    for (; this.#offset < offset; this.#offset++) {
      const b = bytes[this.#offset];
      if (b === LF || (b === CR && bytes[this.#offset + 1] !== LF)) this.#line++;
    }
    return this.#line;
  }
}

/**
 * A csv-parse failure as an IngestParseError: `line` is where the failing row starts, `column` the
 * 1-based field number in that row (csv-parse reports fields, not characters) and `field` its header
 * name, `position` the offset where the row starts.
 */
function csvSyntaxError(bytes: Buffer, rowEnds: number[], err: unknown): unknown {
  if (!(err instanceof CsvError)) return err;
  const start = rowStart(bytes, rowEnds.at(-1) ?? 0);
  const header = rowEnds.length > 0 ? headerOf(bytes) : [];
  let index = typeof err.index === 'number' ? err.index : 0;
  // For a row with too many fields csv-parse gives their count; the first extra one is more useful.
  if (err.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') index = Math.min(index, header.length);
  const field = header[index];
  return new IngestParseError(
    {
      line: new LineCounter(bytes).lineAt(start),
      column: index + 1,
      position: bytes.subarray(0, start).toString('utf8').length,
      message: err.message.replace(/ (at|on) line \d+/, ''),
      ...(field === undefined ? {} : { field }),
    },
    { cause: err },
  );
}

function headerOf(bytes: Buffer): string[] {
  return parse(bytes, { to: 1, skip_empty_lines: true })[0] ?? [];
}
