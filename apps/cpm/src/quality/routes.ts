import { buildQualityReport, qualityTrend, renderQualityReportMarkdown, type QualityWindowMetrics } from '@tributary/quality-metrics';
import { randomUUID } from 'node:crypto';
import type { Publisher } from '@tributary/broker';
import type { QualityIssueEntry, QuarantineRedriveEntry } from '@tributary/pipeline-state';
import type { Express, Request } from 'express';
import type { ApiKeyRing } from '../auth/api-keys.js';
import { principal, requireRole } from '../auth/middleware.js';
import { CpmHttpError } from '../errors.js';
import type { ReachabilityProbe } from '../health/probes.js';
import { jsonBody } from '../http/body.js';
import { requestLocals } from '../http/request-context.js';
import { existingPipeline } from '../pipelines/route-helpers.js';
import type { DefinitionsPort } from '../pipelines/types.js';
import { toQualityIssue, windowMetrics } from './report.js';
import type { QualityPort } from './types.js';

export interface QualityRouteDeps {
  prefix: string;
  apiKeys: ApiKeyRing;
  definitions: Pick<DefinitionsPort, 'get'>;
  quality: QualityPort;
  publisher: Pick<Publisher, 'publish'>;
  kafkaProbe: ReachabilityProbe;
  /** `<prefix>.quality.commands`. */
  commandsTopic: string;
  jsonBodyMaxBytes: number;
  retryAfterSeconds: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Longest range one request may ask for (a week of minute windows). */
const MAX_RANGE_MS = 7 * 24 * HOUR;
/** Windows the summary's trend looks at. */
const TREND_WINDOWS = 60;

/**
 * The quality of a pipeline (viewer): summary, closed windows, issues and a report, answered from
 * the quality read model (`<prefix>.quality.events`). Times are ISO-8601 in and out.
 */
export function registerQualityRoutes(app: Express, deps: QualityRouteDeps): void {
  const { prefix, quality } = deps;
  const viewer = requireRole(deps.apiKeys, 'viewer');

  app.get(`${prefix}/pipelines/:id/quality`, viewer, (req, res) => {
    const stored = existingPipeline(req, deps.definitions);
    const recent = quality.windows(stored.id).slice(-TREND_WINDOWS);
    const latest = recent.at(-1);
    const trend = qualityTrend(recent.map(windowMetrics).filter((m): m is QualityWindowMetrics => m !== undefined));
    const rules = ((stored.definition.quality?.rules ?? []) as { id?: unknown; type?: unknown; severity?: unknown }[]).map((r) => ({
      id: String(r.id),
      type: String(r.type),
      severity: r.severity === 'warn' ? 'warn' : 'error',
    }));
    res.json({
      pipelineId: stored.id,
      version: stored.version,
      rules,
      latestWindow: latest ? windowView(latest) : null,
      openIssues: quality.issues(stored.id, 'open').map(issueView),
      trend: { windows: recent.length, slopePerHour: trend.slopePerHour, direction: trend.direction, min: trend.min, max: trend.max, mean: trend.mean },
    });
  });

  app.get(`${prefix}/pipelines/:id/quality/rules`, viewer, (req, res) => {
    const stored = existingPipeline(req, deps.definitions);
    res.setHeader('ETag', `"${stored.version}"`);
    res.json({ pipelineId: stored.id, version: stored.version, quality: stored.definition.quality ?? null });
  });

  app.get(`${prefix}/pipelines/:id/quality/windows`, viewer, (req, res) => {
    const stored = existingPipeline(req, deps.definitions);
    const { from, to } = timeRange(req, HOUR);
    const windowMs = windowParam(req);
    const withMetrics = req.query.metrics === 'true';
    const windows = quality.windows(stored.id, { from, to, windowMs }).map((w) => ({ ...windowView(w), ...(withMetrics ? { metrics: w.metrics } : {}) }));
    res.json({ pipelineId: stored.id, from: iso(from), to: iso(to), windows });
  });

  app.get(`${prefix}/pipelines/:id/quality/issues`, viewer, (req, res) => {
    const stored = existingPipeline(req, deps.definitions);
    const status = req.query.status;
    if (status !== undefined && status !== 'open' && status !== 'resolved') {
      throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', 'status must be open or resolved', { status });
    }
    res.json({ issues: quality.issues(stored.id, status).map(issueView) });
  });

  app.get(`${prefix}/pipelines/:id/quality/issues/:issueId`, viewer, (req, res) => {
    const stored = existingPipeline(req, deps.definitions);
    const issueId = String(req.params.issueId);
    const issue = quality.issue(stored.id, issueId);
    if (!issue) throw new CpmHttpError(404, 'TRIB_ISSUE_NOT_FOUND', `pipeline ${stored.id} has no quality issue ${JSON.stringify(issueId)}`, { issueId });
    res.json(issueView(issue));
  });

  // A redrive is long work: the command is accepted at once (202) and followed at its Location.
  app.post(`${prefix}/pipelines/:id/quarantine/redrive`, requireRole(deps.apiKeys, 'operator'), ...jsonBody(deps.jsonBodyMaxBytes), async (req, res) => {
    const stored = existingPipeline(req, deps.definitions);
    const fromTime = timeParamOf(req.body, 'from');
    const untilTime = timeParamOf(req.body, 'until');
    if (fromTime !== null && untilTime !== null && untilTime <= fromTime) {
      throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', 'until must be after from', { from: iso(fromTime), until: iso(untilTime) });
    }
    const retryAfter = { 'Retry-After': String(deps.retryAfterSeconds) };
    try {
      await deps.kafkaProbe.check();
    } catch (err) {
      throw new CpmHttpError(503, 'TRIB_BROKER_UNREACHABLE', 'Kafka is unreachable; nothing was sent, retry later', {}, { cause: err, headers: retryAfter });
    }
    const redriveId = randomUUID();
    await deps.publisher.publish(
      deps.commandsTopic,
      'tributary.quality.RedriveQuarantine',
      { pipelineId: stored.id, redriveId, fromTime, untilTime, requestedBy: principal(res), requestedAt: Date.now() },
      // One priority for every quality command of a pipeline: they stay in order in one partition.
      { key: stored.id, priority: 'normal', correlationId: requestLocals(res).requestId },
    );
    res.location(`${prefix}/pipelines/${stored.id}/quarantine/redrives/${redriveId}`);
    res.status(202).json({ redriveId, status: 'requested' });
  });

  app.get(`${prefix}/pipelines/:id/quarantine/redrives`, viewer, (req, res) => {
    const stored = existingPipeline(req, deps.definitions);
    res.json({ redrives: quality.redrives(stored.id).map(redriveView) });
  });

  app.get(`${prefix}/pipelines/:id/quarantine/redrives/:redriveId`, viewer, (req, res) => {
    const stored = existingPipeline(req, deps.definitions);
    const redriveId = String(req.params.redriveId);
    const redrive = quality.redrive(stored.id, redriveId);
    if (!redrive) {
      throw new CpmHttpError(404, 'TRIB_REDRIVE_NOT_FOUND', `pipeline ${stored.id} has no started redrive ${JSON.stringify(redriveId)} (a just-requested one appears once the quality manager plans it)`, { redriveId });
    }
    res.json(redriveView(redrive));
  });

  app.get(`${prefix}/pipelines/:id/quality/report`, viewer, (req, res) => {
    const stored = existingPipeline(req, deps.definitions);
    const { from, to } = timeRange(req, 24 * HOUR);
    const report = buildQualityReport({
      pipelineId: stored.id,
      from,
      to,
      windows: quality
        .windows(stored.id, { from, to })
        .map(windowMetrics)
        .filter((m): m is QualityWindowMetrics => m !== undefined),
      issues: quality.issues(stored.id).map(toQualityIssue),
    });
    const markdown = req.query.format === 'markdown' || (req.query.format === undefined && req.accepts(['application/json', 'text/markdown']) === 'text/markdown');
    if (markdown) {
      res.type('text/markdown').send(renderQualityReportMarkdown(report));
      return;
    }
    res.json(report);
  });
}

function windowView(w: { windowStart: number; windowEnd: number; records: number; quarantined: number; score: number | null; completeness: number | null; validity: number | null; expectations: readonly unknown[] }) {
  return {
    windowStart: iso(w.windowStart),
    windowEnd: iso(w.windowEnd),
    records: w.records,
    quarantined: w.quarantined,
    score: w.score,
    completeness: w.completeness,
    validity: w.validity,
    expectations: w.expectations,
  };
}

function issueView(i: QualityIssueEntry) {
  return {
    issueId: i.issueId,
    signal: i.signal,
    ruleId: i.ruleId,
    status: i.status,
    severity: i.severity,
    reason: i.reason,
    summary: i.summary,
    metric: i.metric,
    observedValue: i.observedValue,
    threshold: i.threshold,
    baseline: i.baseline,
    window: { start: iso(i.windowStart), end: iso(i.windowEnd) },
    sampleRecordIds: i.sampleRecordIds,
    openedAt: iso(i.openedAt),
    ...(i.resolution ? { resolution: { reason: i.resolution.reason, by: i.resolution.by, at: iso(i.resolution.at) } } : {}),
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

function redriveView(r: QuarantineRedriveEntry) {
  return {
    redriveId: r.redriveId,
    status: r.status,
    pipelineVersion: r.pipelineVersion,
    validated: r.validated,
    requarantined: r.requarantined,
    ranges: r.ranges,
    requestedBy: r.requestedBy,
    startedAt: iso(r.startedAt),
    ...(r.completedAt === undefined ? {} : { completedAt: iso(r.completedAt) }),
  };
}

/** An optional ISO-8601 time of a JSON body, as epoch ms or null. */
function timeParamOf(body: unknown, name: string): number | null {
  const value: unknown = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  if (value === undefined || value === null) return null;
  const ms = typeof value === 'string' && value.length <= 40 ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', `${name} must be an ISO-8601 time`, { field: name });
  return ms;
}

/** `?from=&to=` (ISO-8601); `to` defaults to now and `from` to `to − fallbackMs`. */
function timeRange(req: Request, fallbackMs: number): { from: number; to: number } {
  const to = timeParam(req, 'to') ?? Date.now();
  const from = timeParam(req, 'from') ?? to - fallbackMs;
  if (from >= to) throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', 'from must be before to', { from: iso(from), to: iso(to) });
  if (to - from > MAX_RANGE_MS) throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', 'the range is longer than 7 days', { from: iso(from), to: iso(to) });
  return { from, to };
}

function timeParam(req: Request, name: string): number | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  const ms = typeof value === 'string' && value.length <= 40 ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', `${name} must be an ISO-8601 time`, { [name]: value });
  return ms;
}

/** `?window=1m|5m|1h…`: the window size; default one minute. */
function windowParam(req: Request): number {
  const value = req.query.window;
  if (value === undefined) return MINUTE;
  const match = typeof value === 'string' ? /^([1-9][0-9]{0,3})(m|h|d)$/.exec(value) : null;
  if (!match) throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', 'window must be like 1m, 15m, 1h or 1d', { window: value });
  return Number(match[1]) * { m: MINUTE, h: HOUR, d: 24 * HOUR }[match[2] as 'm' | 'h' | 'd'];
}
