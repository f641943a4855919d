import { Headers, headersToStrings, silentLogger } from '@tributary/broker';
import type {
  QualityIssueAcknowledged,
  QualityIssueNoteAdded,
  QualityIssueOpened,
  QualityIssueResolved,
  QualityWindowClosed,
  QuarantineRedriveCompleted,
  QuarantineRedriveProgressed,
  QuarantineRedriveStarted,
} from '@tributary/schemas';
import { createTopicReader, decodeForView } from '../topic-reader/index.js';
import { checkViewOptions } from '../view-options.js';
import type { QualityIssueEntry, QualityView, QualityViewOptions, QualityWindowEntry, QuarantineRedriveEntry } from './types.js';

const MINUTE = 60_000;
const TYPES = {
  windowClosed: 'tributary.quality.QualityWindowClosed',
  issueOpened: 'tributary.quality.QualityIssueOpened',
  issueResolved: 'tributary.quality.QualityIssueResolved',
  issueAcknowledged: 'tributary.quality.QualityIssueAcknowledged',
  issueNoteAdded: 'tributary.quality.QualityIssueNoteAdded',
  redriveStarted: 'tributary.quality.QuarantineRedriveStarted',
  redriveProgressed: 'tributary.quality.QuarantineRedriveProgressed',
  redriveCompleted: 'tributary.quality.QuarantineRedriveCompleted',
} as const;
const WANTED = new Set<string>(Object.values(TYPES));
/** Notes kept per issue: the newest. */
const MAX_NOTES = 100;

export const qualityViewDefaults = Object.freeze({ maxWindows: 10_080, maxIssues: 1_000 });

/**
 * The quality read model: closed windows, issues (with what people did about them) and quarantine redrives per pipeline, from `<prefix>.quality.events`
 * read from the beginning. The window deltas on the same topic are skipped by their `event-type`
 * header, without decoding. A repeated window or issue event (the tracker may publish one again
 * after a crash) replaces the first: same window start, same issue id.
 */
export function createQualityView(options: QualityViewOptions): QualityView {
  checkViewOptions(options, 'quality view');
  const { kafka, codec, topicPrefix } = options;
  const maxWindows = options.maxWindows ?? qualityViewDefaults.maxWindows;
  const maxIssues = options.maxIssues ?? qualityViewDefaults.maxIssues;
  const topic = `${topicPrefix}.quality.events`;
  const logger = (options.logger ?? silentLogger).child({ component: 'quality-view', topic });
  /** pipeline → window size → window start → window (Map order: insertion, mostly time order). */
  const windows = new Map<string, Map<number, Map<number, QualityWindowEntry>>>();
  const issues = new Map<string, Map<string, QualityIssueEntry>>();
  const redrives = new Map<string, Map<string, QuarantineRedriveEntry>>();
  let closed = false;

  function redriveStarted(r: QuarantineRedriveStarted): void {
    let map = redrives.get(r.pipelineId);
    if (!map) redrives.set(r.pipelineId, (map = new Map<string, QuarantineRedriveEntry>()));
    if (map.has(r.redriveId)) return; // a repeat
    map.set(r.redriveId, {
      pipelineId: r.pipelineId,
      redriveId: r.redriveId,
      pipelineVersion: r.pipelineVersion,
      ranges: r.ranges.map((x) => ({ partition: x.partition, startOffset: x.startOffset, endOffset: x.endOffset })),
      status: 'running',
      validated: 0,
      requarantined: 0,
      requestedBy: r.requestedBy,
      startedAt: r.startedAt,
    });
  }

  function redriveProgressed(p: QuarantineRedriveProgressed): void {
    const known = redrives.get(p.pipelineId)?.get(p.redriveId);
    if (!known || known.status === 'completed') return;
    // Each Progressed is one committed transaction's counts (written in it): a sum, exactly once.
    redrives.get(p.pipelineId)!.set(p.redriveId, { ...known, validated: known.validated + p.validated, requarantined: known.requarantined + p.requarantined });
  }

  function redriveCompleted(c: QuarantineRedriveCompleted): void {
    const known = redrives.get(c.pipelineId)?.get(c.redriveId);
    if (!known) return;
    redrives.get(c.pipelineId)!.set(c.redriveId, { ...known, status: 'completed', validated: c.validated, requarantined: c.requarantined, completedAt: c.completedAt });
  }

  function addWindow(w: QualityWindowClosed): void {
    let sizes = windows.get(w.pipelineId);
    if (!sizes) windows.set(w.pipelineId, (sizes = new Map<number, Map<number, QualityWindowEntry>>()));
    const size = w.windowEnd - w.windowStart;
    let bySize = sizes.get(size);
    if (!bySize) sizes.set(size, (bySize = new Map<number, QualityWindowEntry>()));
    let metrics: unknown;
    try {
      metrics = JSON.parse(w.metrics);
    } catch {
      metrics = null;
    }
    bySize.set(w.windowStart, {
      pipelineId: w.pipelineId,
      windowStart: w.windowStart,
      windowEnd: w.windowEnd,
      records: w.records,
      quarantined: w.quarantined,
      score: w.score,
      completeness: w.completeness,
      validity: w.validity,
      metrics,
      expectations: w.expectations,
      closedAt: w.closedAt,
    });
    if (bySize.size > maxWindows) {
      // Windows close in time order, so insertion order is time order: the first is the oldest.
      const oldest = bySize.keys().next();
      if (oldest.done !== true) bySize.delete(oldest.value);
    }
  }

  function issuesOf(pipelineId: string): Map<string, QualityIssueEntry> {
    let map = issues.get(pipelineId);
    if (!map) issues.set(pipelineId, (map = new Map<string, QualityIssueEntry>()));
    return map;
  }

  function opened(o: QualityIssueOpened): void {
    const map = issuesOf(o.pipelineId);
    const known = map.get(o.issueId);
    if (known?.status === 'resolved') return; // a repeat of an opening that was already resolved
    map.set(o.issueId, {
      issueId: o.issueId,
      pipelineId: o.pipelineId,
      signal: o.signal,
      ruleId: o.ruleId,
      reason: o.reason,
      severity: o.severity,
      summary: o.summary,
      metric: o.metric,
      observedValue: o.observedValue,
      threshold: { min: o.thresholdMin, max: o.thresholdMax },
      baseline: o.baselineMean === null ? null : { mean: o.baselineMean, stdDev: o.baselineStdDev },
      windowStart: o.windowStart,
      windowEnd: o.windowEnd,
      sampleRecordIds: o.sampleRecordIds,
      openedAt: known?.openedAt ?? o.openedAt,
      status: 'open',
      ...(known?.acknowledgement ? { acknowledgement: known.acknowledgement } : {}),
      notes: known?.notes ?? [],
    });
    if (map.size > maxIssues) {
      const victim = [...map.values()].find((i) => i.status === 'resolved') ?? map.values().next().value;
      if (victim) map.delete(victim.issueId);
    }
  }

  /** The first resolution wins: the tracker's and a person's may cross, and either may come again. */
  function resolved(r: QualityIssueResolved): void {
    const map = issuesOf(r.pipelineId);
    const known = map.get(r.issueId);
    if (!known || known.status === 'resolved') return;
    map.set(r.issueId, { ...known, status: 'resolved', resolution: { reason: r.resolution, by: r.resolvedBy, note: r.note, windowStart: r.windowStart, at: r.resolvedAt } });
  }

  function acknowledged(a: QualityIssueAcknowledged): void {
    const map = issuesOf(a.pipelineId);
    const known = map.get(a.issueId);
    if (!known || known.acknowledgement) return;
    map.set(a.issueId, { ...known, acknowledgement: { by: a.acknowledgedBy, note: a.note, at: a.acknowledgedAt } });
  }

  function noteAdded(n: QualityIssueNoteAdded): void {
    const map = issuesOf(n.pipelineId);
    const known = map.get(n.issueId);
    if (!known || known.notes.some((x) => x.noteId === n.noteId)) return; // published again after a redelivery
    const notes = [...known.notes, { noteId: n.noteId, author: n.author, note: n.note, at: n.addedAt }].slice(-MAX_NOTES);
    map.set(n.issueId, { ...known, notes });
  }

  const reader = createTopicReader({
    kafka,
    topics: [topic],
    groupPrefix: `${topicPrefix}.quality-view`,
    logger,
    async onMessage(message, where) {
      if (!message.value) return;
      const type = headersToStrings(message.headers)[Headers.eventType];
      if (type !== undefined && !WANTED.has(type)) return;
      const decoded = await decodeForView(codec, message.value, { logger, isClosed: () => closed, where: { ...where, offset: message.offset } });
      if (!decoded) return;
      if (decoded.type === TYPES.windowClosed) addWindow(decoded.value as QualityWindowClosed);
      else if (decoded.type === TYPES.issueOpened) opened(decoded.value as QualityIssueOpened);
      else if (decoded.type === TYPES.issueResolved) resolved(decoded.value as QualityIssueResolved);
      else if (decoded.type === TYPES.issueAcknowledged) acknowledged(decoded.value as QualityIssueAcknowledged);
      else if (decoded.type === TYPES.issueNoteAdded) noteAdded(decoded.value as QualityIssueNoteAdded);
      else if (decoded.type === TYPES.redriveStarted) redriveStarted(decoded.value as QuarantineRedriveStarted);
      else if (decoded.type === TYPES.redriveProgressed) redriveProgressed(decoded.value as QuarantineRedriveProgressed);
      else if (decoded.type === TYPES.redriveCompleted) redriveCompleted(decoded.value as QuarantineRedriveCompleted);
    },
  });

  return {
    start: () => reader.start(),
    get caughtUp() {
      return reader.caughtUp;
    },
    windows(pipelineId, range = {}) {
      const bySize = windows.get(pipelineId)?.get(range.windowMs ?? MINUTE);
      if (!bySize) return [];
      const from = range.from ?? Number.NEGATIVE_INFINITY;
      const to = range.to ?? Number.POSITIVE_INFINITY;
      return [...bySize.values()].filter((w) => w.windowEnd > from && w.windowStart < to).sort((a, b) => a.windowStart - b.windowStart);
    },
    issues(pipelineId, status) {
      const all = [...(issues.get(pipelineId)?.values() ?? [])];
      return all.filter((i) => status === undefined || i.status === status).sort((a, b) => b.windowStart - a.windowStart || a.issueId.localeCompare(b.issueId));
    },
    issue: (pipelineId, issueId) => issues.get(pipelineId)?.get(issueId),
    redrives: (pipelineId) => [...(redrives.get(pipelineId)?.values() ?? [])].sort((a, b) => b.startedAt - a.startedAt),
    redrive: (pipelineId, redriveId) => redrives.get(pipelineId)?.get(redriveId),
    async close() {
      if (closed) return;
      closed = true;
      await reader.close();
    },
  };
}
