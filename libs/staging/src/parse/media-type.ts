import { UnsupportedMediaTypeError } from '../errors.js';
import type { IngestFormat } from '../types.js';

/** Media types accepted for ingest and the format each one means. */
export const INGEST_MEDIA_TYPES: Readonly<Record<string, IngestFormat>> = Object.freeze({
  'application/json': 'json',
  'application/x-ndjson': 'ndjson',
  // The unprefixed name is what newer clients send; both mean newline-delimited JSON.
  'application/ndjson': 'ndjson',
  'text/csv': 'csv',
});

/**
 * The ingest format of a Content-Type header value, e.g. `text/csv; charset=utf-8`. Matching is
 * case-insensitive; the only charset accepted is UTF-8 (absent means UTF-8), because records are
 * stored as UTF-8 and a silent re-encoding would change them.
 */
export function ingestFormatOf(contentType: string | undefined): IngestFormat {
  const supported = Object.keys(INGEST_MEDIA_TYPES);
  const [essence = '', ...params] = (contentType ?? '').split(';');
  const format = INGEST_MEDIA_TYPES[essence.trim().toLowerCase()];
  if (format === undefined) throw new UnsupportedMediaTypeError(contentType ?? '', supported);
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq === -1 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    const charset = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') {
      throw new UnsupportedMediaTypeError(contentType ?? '', supported, `charset ${charset} is not supported, only utf-8`);
    }
  }
  return format;
}
