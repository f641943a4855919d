import type { IngestFormat } from '../types.js';

/** The records of one ingest body, in body order. */
export interface ParsedBody {
  readonly format: IngestFormat;
  /**
   * One entry per record: whatever JSON value the body held (objects, normally) or, for CSV, an object
   * of strings keyed by the header. Pass each to a validator compiled with `{ source: format }`.
   */
  readonly records: unknown[];
  /**
   * NDJSON and CSV: the 1-based line on which each record starts (same index as `records`), so
   * per-record errors can name a line. Absent for JSON, whose records are not line-based.
   */
  readonly lines?: readonly number[];
  /**
   * Each record as compact JSON text (same index as `records`): what its size was measured on, and
   * what a caller that stores records as JSON can write without serialising them a second time.
   */
  readonly texts: readonly string[];
}
