import { buildQualityReport, qualityTrend, renderQualityReportMarkdown, type QualityWindowMetrics } from '@tributary/quality-metrics';
import { randomUUID } from 'node:crypto';
import type { Publisher } from '@tributary/broker';
import type { QualityIssueEntry, QuarantineRedriveEntry } from '@tributary/pipeline-state';
import type { Express, Request, Response } from 'express';
import type { ApiKeyRing } from '../auth/api-keys.js';
import { requireRole } from '../auth/middleware.js';
import { CpmHttpError } from '../errors.js';
import type { ReachabilityProbe } from '../health/probes.js';
import { jsonBody } from '../http/body.js';
import { createCommandSender } from '../http/broker.js';
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
/** Longest note on an issue, in characters (the quality manager refuses longer ones too). */
const MAX_NOTE_LENGTH = 2000;

/** What a person does with a quality issue: the command each route sends. */
const ISSUE_ACTIONS = {
  acknowledge: { command: 'tributary.quality.AcknowledgeQualityIssue', noteRequired: false, whenResolved: 'refuse' },
  notes: { command: 'tributary.quality.AddQualityIssueNote', noteRequired: true, whenResolved: 'accept' },
  resolve: { command: 'tributary.quality.ResolveQualityIssue', noteRequired: false, whenResolved: 'refuse' },
} as const;

/**
 * The quality of a pipeline (viewer): summary, closed windows, issues and a report, answered from
 * the quality read model (`<prefix>.quality.events`). Times are ISO-8601 in and out. And what an
 * operator does about it (acknowledge, note and resolve issues; redrive the quarantine): commands to
 * the quality manager, accepted with 202.
 */
export function registerQualityRoutes(app: Express, deps: QualityRouteDeps): void {
  const { prefix, quality } = deps;
  const viewer = requireRole(deps.apiKeys, 'viewer');
  const operator = requireRole(deps.apiKeys, 'operator');

  // Keyed by pipeline: a pipeline's quality commands stay in order in one partition.
  const send = createCommandSender(deps);
  const sendCommand = (res: Response, type: string, pipelineId: string, value: Record<string, unknown>) => send(res, type, pipelineId, { pipelineId, ...value });

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

  function knownIssue(pipelineId: string, issueId: string): QualityIssueEntry {
    const issue = quality.issue(pipelineId, issueId);
    if (!issue) throw new CpmHttpError(404, 'TRIB_ISSUE_NOT_FOUND', `pipeline ${pipelineId} has no quality issue ${JSON.stringify(issueId)}`, { issueId });
    return issue;
  }

  app.get(`${prefix}/pipelines/:id/quality/issues/:issueId`, viewer, (req, res) => {
    const stored = existingPipeline(req, deps.definitions);
    res.json(issueView(knownIssue(stored.id, String(req.params.issueId))));
  });

  // Acknowledge, note, resolve: answered 202 once the command is sent; the issue shows the result
  // once the quality manager has judged it (an issue resolved meanwhile refuses an acknowledgement).
  for (const [action, { command, noteRequired, whenResolved }] of Object.entries(ISSUE_ACTIONS)) {
    app.post(`${prefix}/pipelines/:id/quality/issues/:issueId/${action}`, operator, ...jsonBody(deps.jsonBodyMaxBytes), async (req, res) => {
      const stored = existingPipeline(req, deps.definitions);
      const issue = knownIssue(stored.id, String(req.params.issueId));
      const note = noteOf(req.body, noteRequired);
      if (issue.status === 'resolved' && whenResolved === 'refuse') {
        throw new CpmHttpError(409, 'TRIB_ISSUE_RESOLVED', `quality issue ${issue.issueId} is already resolved`, { issueId: issue.issueId, resolution: issue.resolution });
      }
      await sendCommand(res, command, stored.id, { issueId: issue.issueId, note });
      res.location(`${prefix}/pipelines/${stored.id}/quality/issues/${encodeURIComponent(issue.issueId)}`);
      res.status(202).json({ issueId: issue.issueId, action, status: 'requested' });
    });
  }

  // A redrive is long work: the command is accepted at once (202) and followed at its Location.
  app.post(`${prefix}/pipelines/:id/quarantine/redrive`, operator, ...jsonBody(deps.jsonBodyMaxBytes), async (req, res) => {
    const stored = existingPipeline(req, deps.definitions);
    const fromTime = timeParamOf(req.body, 'from');
    const untilTime = timeParamOf(req.body, 'until');
    if (fromTime !== null && untilTime !== null && untilTime <= fromTime) {
      throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', 'until must be after from', { from: iso(fromTime), until: iso(untilTime) });
    }
    const redriveId = randomUUID();
    await sendCommand(res, 'tributary.quality.RedriveQuarantine', stored.id, { redriveId, fromTime, untilTime });
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
    acknowledgement: i.acknowledgement ? { by: i.acknowledgement.by, note: i.acknowledgement.note, at: iso(i.acknowledgement.at) } : null,
    notes: i.notes.map((n) => ({ author: n.author, note: n.note, at: iso(n.at) })),
    ...(i.resolution ? { resolution: { reason: i.resolution.reason, by: i.resolution.by, note: i.resolution.note, at: iso(i.resolution.at) } } : {}),
  };
}

/** `{ "note": "…" }` of an issue action: 1–2,000 characters, not blank; no other field. */
function noteOf(body: unknown, required: boolean): string | null {
  const fields = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  if (!fields) throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', 'the body must be a JSON object', {});
  const unknown = Object.keys(fields).filter((k) => k !== 'note');
  if (unknown.length > 0) throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', `unknown field ${JSON.stringify(unknown[0])}; only note is accepted`, { fields: unknown });
  const note = fields.note;
  if (note === undefined || note === null) {
    if (required) throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', 'note is required', { field: 'note' });
    return null;
  }
  if (typeof note !== 'string' || note.trim() === '' || note.length > MAX_NOTE_LENGTH) {
    throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', `note must be a string of 1-${MAX_NOTE_LENGTH} characters, not blank`, { field: 'note' });
  }
  return note;
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
