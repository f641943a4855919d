import { UsageError } from '../../errors.js';

export type IngestFileFormat = 'json' | 'ndjson' | 'csv';

/** One record of the input file, as its original text, with the 1-based line it starts on. */
export interface SourceRecord {
  readonly text: string;
  readonly line: number;
}

/** Cuts streamed text into records without parsing them: the CPM parses and validates. */
export interface RecordSplitter {
  push(chunk: string): SourceRecord[];
  end(): SourceRecord[];
  /** CSV only: the header row, sent in front of every batch. */
  readonly header: string | undefined;
}

const EXTENSIONS: Record<string, IngestFileFormat> = { json: 'json', ndjson: 'ndjson', jsonl: 'ndjson', csv: 'csv' };

/** The format named by `--format`, else by the file's extension. */
export function ingestFileFormat(file: string, explicit?: string): IngestFileFormat {
  if (explicit !== undefined) {
    const f = EXTENSIONS[explicit.toLowerCase()];
    if (!f) throw new UsageError(`--format must be json, ndjson or csv, got ${JSON.stringify(explicit)}`);
    return f;
  }
  const ext = /\.([A-Za-z]+)$/.exec(file)?.[1]?.toLowerCase() ?? '';
  const f = EXTENSIONS[ext];
  if (!f) throw new UsageError(`cannot tell the format of ${file} from its extension; pass --format json|ndjson|csv`);
  return f;
}

export function createSplitter(format: IngestFileFormat): RecordSplitter {
  if (format === 'ndjson') return ndjsonSplitter();
  if (format === 'csv') return csvSplitter();
  return jsonArraySplitter();
}

/** The request body of a batch, in the file's own format, and its content type. */
export function batchBody(format: IngestFileFormat, records: readonly SourceRecord[], header?: string): { body: string; contentType: string } {
  if (format === 'ndjson') return { body: `${records.map((r) => r.text).join('\n')}\n`, contentType: 'application/x-ndjson' };
  if (format === 'csv') return { body: `${header ?? ''}\n${records.map((r) => r.text).join('\n')}\n`, contentType: 'text/csv' };
  return { body: `[${records.map((r) => r.text).join(',')}]`, contentType: 'application/json' };
}

const stripBom = (s: string) => (s.charCodeAt(0) === 0xfeff ? s.slice(1) : s);

function ndjsonSplitter(): RecordSplitter {
  let rest = '';
  let line = 0;
  let first = true;
  const take = (text: string, out: SourceRecord[]) => {
    line++;
    const t = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (t.trim() !== '') out.push({ text: t, line });
  };
  return {
    header: undefined,
    push(chunk) {
      if (first) {
        chunk = stripBom(chunk);
        first = false;
      }
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      const out: SourceRecord[] = [];
      for (const p of parts) take(p, out);
      return out;
    },
    end() {
      const out: SourceRecord[] = [];
      if (rest !== '') take(rest, out);
      rest = '';
      return out;
    },
  };
}

/**
 * CSV rows: a row ends at a line break outside double quotes, so quoted fields may span lines
 * (RFC 4180). The first non-empty row is the header.
 */
function csvSplitter(): RecordSplitter {
  let current = '';
  let inQuotes = false;
  let line = 1;
  let startLine = 1;
  let header: string | undefined;
  let first = true;
  const emit = (out: SourceRecord[]) => {
    const text = current.endsWith('\r') ? current.slice(0, -1) : current;
    if (text.trim() !== '') {
      if (header === undefined) header = text;
      else out.push({ text, line: startLine });
    }
    current = '';
  };
  return {
    get header() {
      return header;
    },
    push(chunk) {
      if (first) {
        chunk = stripBom(chunk);
        first = false;
      }
      const out: SourceRecord[] = [];
      let from = 0;
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk.charCodeAt(i);
        if (c === 34 /* " */) inQuotes = !inQuotes;
        else if (c === 10 /* \n */) {
          if (inQuotes) {
            line++;
            continue;
          }
          current += chunk.slice(from, i);
          from = i + 1;
          emit(out);
          line++;
          startLine = line;
        }
      }
      current += chunk.slice(from);
      return out;
    },
    end() {
      const out: SourceRecord[] = [];
      if (current !== '') emit(out);
      return out;
    },
  };
}

/**
 * The elements of a top-level JSON array, each as its own text: depth and strings are tracked so
 * commas inside objects and strings do not split. The CPM reports any JSON syntax error itself.
 */
function jsonArraySplitter(): RecordSplitter {
  let state: 'before' | 'inside' | 'after' = 'before';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  let current = '';
  let currentLine = 0;
  let first = true;
  const emit = (out: SourceRecord[]) => {
    const text = current.trim();
    if (text !== '') out.push({ text, line: currentLine });
    current = '';
    currentLine = 0;
  };
  return {
    header: undefined,
    push(chunk) {
      if (first) {
        chunk = stripBom(chunk);
        first = false;
      }
      const out: SourceRecord[] = [];
      // An element that started in an earlier chunk continues from this chunk's first character.
      let from = currentLine !== 0 ? 0 : -1;
      for (let i = 0; i < chunk.length; i++) {
        const ch = chunk[i] as string;
        if (ch === '\n') line++;
        if (state === 'before') {
          if (ch === '[') state = 'inside';
          else if (ch.trim() !== '') throw new UsageError(`expected a JSON array of records, found ${JSON.stringify(ch)} on line ${line}`);
          continue;
        }
        if (state === 'after') continue;
        if (inString) {
          if (escaped) escaped = false;
          else if (ch === '\\') escaped = true;
          else if (ch === '"') inString = false;
        } else if (depth === 0 && (ch === ',' || ch === ']')) {
          if (from >= 0) current += chunk.slice(from, i);
          from = -1;
          emit(out);
          if (ch === ']') state = 'after';
          continue;
        } else if (ch === '"') inString = true;
        else if (ch === '{' || ch === '[') depth++;
        else if (ch === '}' || ch === ']') depth--;
        if (from < 0) {
          if (ch.trim() === '') continue;
          from = i;
          if (currentLine === 0) currentLine = line;
        }
      }
      if (from >= 0) current += chunk.slice(from);
      return out;
    },
    end() {
      const out: SourceRecord[] = [];
      if (state === 'inside') emit(out);
      return out;
    },
  };
}
