import type { Request } from 'express';
import { CpmHttpError } from '../errors.js';

const HOUR = 3_600_000;
/** Longest range of a series query (the view keeps hours of points; a week is plenty). */
export const MAX_RANGE_MS = 7 * 24 * HOUR;
/** Longest query value read (names, ids, times). */
export const MAX_QUERY_VALUE = 256;
/** Most `label.<name>=` filters in one query. */
export const MAX_LABEL_FILTERS = 20;

export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Alert ids are 16 hex digits; silence ids UUIDs. Anything outside this cannot name one. */
export const ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const iso = (ms: number) => new Date(ms).toISOString();

const invalid = (message: string, details: Record<string, unknown>) => new CpmHttpError(400, 'TRIB_REQUEST_INVALID', message, details);

/** One query value (a repeated parameter is refused), at most MAX_QUERY_VALUE characters, matching `pattern`. */
export function queryString(req: Request, name: string, pattern?: RegExp): string | undefined {
  const value: unknown = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_QUERY_VALUE) {
    throw invalid(`${name} must be given once, with 1-${MAX_QUERY_VALUE} characters`, { parameter: name });
  }
  if (pattern && !pattern.test(value)) throw invalid(`${name} is not valid`, { parameter: name, value });
  return value;
}

/** One of `values`, or undefined. */
export function queryEnum<T extends string>(req: Request, name: string, values: readonly T[]): T | undefined {
  const value = queryString(req, name);
  if (value === undefined) return undefined;
  if (!(values as readonly string[]).includes(value)) throw invalid(`${name} must be one of ${values.join(', ')}`, { parameter: name, value });
  return value as T;
}

/** `?limit=`: an integer 1-max, default `fallback`. */
export function queryLimit(req: Request, fallback: number, max: number): number {
  const value = queryString(req, 'limit');
  if (value === undefined) return fallback;
  const n = /^[1-9][0-9]{0,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 1 && n <= max)) throw invalid(`limit must be an integer from 1 to ${max}`, { parameter: 'limit', value });
  return n;
}

/** `?history=true|false`. */
export function queryFlag(req: Request, name: string): boolean {
  return queryEnum(req, name, ['true', 'false'] as const) === 'true';
}

/** An ISO-8601 time of the query, as epoch ms. */
export function queryTime(req: Request, name: string): number | undefined {
  const value = queryString(req, name);
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalid(`${name} must be an ISO-8601 time`, { parameter: name, value });
  return ms;
}

/** `?from=&to=` with `to` defaulting to now and `from` to `to − fallbackMs`; at most 7 days. */
export function queryRange(req: Request, fallbackMs: number, now: number): { from: number; to: number } {
  const to = queryTime(req, 'to') ?? now;
  const from = queryTime(req, 'from') ?? to - fallbackMs;
  if (from >= to) throw invalid('from must be before to', { from: iso(from), to: iso(to) });
  if (to - from > MAX_RANGE_MS) throw invalid('the range is longer than 7 days', { from: iso(from), to: iso(to) });
  return { from, to };
}

/** Optional `?from=&to=` bounds (either may be absent). */
export function queryBounds(req: Request): { from?: number; to?: number } {
  const from = queryTime(req, 'from');
  const to = queryTime(req, 'to');
  if (from !== undefined && to !== undefined && from >= to) throw invalid('from must be before to', { from: iso(from), to: iso(to) });
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}

/** `label.<name>=<value>` parameters: exact label values a series must have (at most MAX_LABEL_FILTERS). */
export function queryLabels(req: Request): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const key of Object.keys(req.query)) {
    if (!key.startsWith('label.')) continue;
    const name = key.slice('label.'.length);
    if (!LABEL_NAME.test(name)) throw invalid(`${key}: ${JSON.stringify(name)} is not a label name`, { parameter: key });
    const value: unknown = req.query[key];
    if (typeof value !== 'string' || value.length > MAX_QUERY_VALUE) {
      throw invalid(`${key} must be given once, with at most ${MAX_QUERY_VALUE} characters`, { parameter: key });
    }
    labels[name] = value;
  }
  if (Object.keys(labels).length > MAX_LABEL_FILTERS) throw invalid(`at most ${MAX_LABEL_FILTERS} label filters`, { parameter: 'label.*' });
  return labels;
}

/** A path id (alert, silence): anything that cannot be an id is answered as unknown by the caller. */
export function pathId(req: Request, name: string): string | undefined {
  const value: unknown = req.params[name];
  return typeof value === 'string' && ID.test(value) ? value : undefined;
}
