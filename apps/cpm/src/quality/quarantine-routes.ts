import { RegistryUnavailableError } from '@tributary/schemas';
import type { Express, Request } from 'express';
import type { ApiKeyRing } from '../auth/api-keys.js';
import { requireRole } from '../auth/middleware.js';
import { CpmHttpError } from '../errors.js';
import { requireKafka } from '../http/broker.js';
import type { ReachabilityProbe } from '../health/probes.js';
import { existingPipeline } from '../pipelines/route-helpers.js';
import type { DefinitionsPort } from '../pipelines/types.js';
import type { QuarantineBrowser, QuarantineEntry, QuarantinePageQuery } from './quarantine-browser.js';
import { decodeQuarantineCursor, encodeQuarantineCursor } from './quarantine-cursor.js';

export interface QuarantineRouteDeps {
  prefix: string;
  topicPrefix: string;
  apiKeys: ApiKeyRing;
  definitions: Pick<DefinitionsPort, 'get'>;
  quarantine: Pick<QuarantineBrowser, 'page'>;
  kafkaProbe: ReachabilityProbe;
  retryAfterSeconds: number;
}

/** `limit` when none is given, and the most a page may ask for. */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
/** As a rule id is declared (libs/quality-rules/schema/quality-rules.schema.json). */
const RULE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * `GET /pipelines/:id/quarantine` (viewer): the pipeline's quarantined records, a page at a time,
 * read from `<prefix>.data.<id>.quarantine` itself (there is no read model of record contents). Each
 * page reads at most a bounded number of messages up to the end offsets it saw at its start, so it
 * always ends; `nextCursor` continues where it stopped, `null` once the end was reached.
 */
export function registerQuarantineRoutes(app: Express, deps: QuarantineRouteDeps): void {
  const retryAfter = { 'Retry-After': String(deps.retryAfterSeconds) };

  app.get(`${deps.prefix}/pipelines/:id/quarantine`, requireRole(deps.apiKeys, 'viewer'), async (req, res) => {
    const stored = existingPipeline(req, deps.definitions);
    const query = pageQuery(req, `${deps.topicPrefix}.data.${stored.id}.quarantine`);
    await requireKafka(deps.kafkaProbe, deps.retryAfterSeconds, 'Kafka is unreachable; retry later');
    // A client that goes away stops the read (and frees its consumer group) early.
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    let page;
    try {
      page = await deps.quarantine.page({ ...query, signal: gone.signal });
    } catch (err) {
      if (err instanceof RegistryUnavailableError) {
        throw new CpmHttpError(503, 'TRIB_BROKER_UNREACHABLE', 'the schema registry is unreachable; retry later', {}, { cause: err, headers: retryAfter });
      }
      throw err;
    }
    res.json({
      pipelineId: stored.id,
      records: page.records.map(recordView),
      undecodable: page.undecodable.map((u) => ({ partition: u.partition, offset: u.offset, timestamp: iso(u.timestamp), error: u.error })),
      nextCursor: page.next ? encodeQuarantineCursor(page.next) : null,
      scanned: page.scanned,
    });
  });
}

function recordView({ partition, offset, record: r }: QuarantineEntry) {
  const record = parseJson(r.record);
  return {
    partition,
    offset,
    recordId: r.recordId,
    runId: r.runId,
    pipelineVersion: r.pipelineVersion,
    quarantinedAt: iso(r.quarantinedAt),
    failures: r.failures.map((f) => ({ ruleId: f.ruleId, ruleType: f.ruleType, severity: f.severity, field: f.field, value: f.value, message: f.message })),
    source: { topic: r.sourceTopic, partition: r.sourcePartition, offset: r.sourceOffset },
    // The record as the quality manager saw it: JSON text, parsed when it is JSON.
    record: record.ok ? record.value : r.record,
    recordFormat: record.ok ? 'json' : 'text',
  };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The query string, validated: 400 TRIB_REQUEST_INVALID naming the parameter. */
function pageQuery(req: Request, topic: string): Omit<QuarantinePageQuery, 'signal'> {
  const query: Omit<QuarantinePageQuery, 'signal'> = { topic, limit: limitParam(req) };
  const rule = singleParam(req, 'rule');
  if (rule !== undefined) {
    if (!RULE_ID.test(rule)) throw invalid('rule', 'rule must be a rule id: 1-64 of [A-Za-z0-9_.-], starting with a letter or digit', rule);
    query.ruleId = rule;
  }
  const from = timeParam(req, 'from');
  const until = timeParam(req, 'until');
  if (from !== undefined) query.from = from;
  if (until !== undefined) query.until = until;
  if (from !== undefined && until !== undefined && until <= from) {
    throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', 'until must be after from', { from: iso(from), until: iso(until) });
  }
  const cursor = singleParam(req, 'cursor');
  if (cursor !== undefined) {
    const decoded = decodeQuarantineCursor(cursor);
    if ('error' in decoded) throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', `cursor is not one this API gave out: ${decoded.error}`, { parameter: 'cursor', reason: decoded.error });
    query.cursor = decoded.cursor;
  }
  return query;
}

const invalid = (parameter: string, message: string, value: unknown) => new CpmHttpError(400, 'TRIB_REQUEST_INVALID', message, { parameter, value });

/** A query parameter given at most once, as a string. */
function singleParam(req: Request, name: string): string | undefined {
  const value: unknown = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(name, `${name} must be given once, as a plain value`, value);
  return value;
}

function limitParam(req: Request): number {
  const value = singleParam(req, 'limit');
  if (value === undefined) return DEFAULT_LIMIT;
  const n = /^[1-9][0-9]{0,3}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n <= MAX_LIMIT)) throw invalid('limit', `limit must be an integer from 1 to ${MAX_LIMIT}`, value);
  return n;
}

/** ISO-8601 with a zone, or epoch milliseconds. */
function timeParam(req: Request, name: string): number | undefined {
  const value = singleParam(req, name);
  if (value === undefined) return undefined;
  const ms = /^[0-9]{1,15}$/.test(value) ? Number(value) : value.length <= 40 && /(Z|[+-][0-9]{2}:?[0-9]{2})$/i.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw invalid(name, `${name} must be an ISO-8601 time with a zone or epoch milliseconds`, value);
  return ms;
}
