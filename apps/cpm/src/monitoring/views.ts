import type { AlertEntry, AlertTransition, AnomalyEntry, HealthEntry, HealthOverview, MetricSeriesInfo, MetricSeriesPoints, SilenceEntry } from '@tributary/pipeline-state';
import type { SeriesSnapshot } from '@tributary/monitoring-baselines';
import { baselineDefaults } from '@tributary/monitoring-baselines';
import { iso } from './query.js';

// The JSON of the monitoring API: the read model's entries with ISO-8601 times.

const isoOrNull = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : iso(ms));

function instanceView(e: HealthEntry) {
  return { instance: e.instance, status: e.status, previousStatus: e.previousStatus, reason: e.reason, lastSeenAt: isoOrNull(e.lastSeenAt), changedAt: iso(e.changedAt) };
}

export function healthView(h: HealthOverview) {
  return {
    status: h.status,
    at: iso(h.at),
    services: h.components.map((c) => ({
      service: c.component,
      status: c.status,
      reason: c.summary?.reason ?? null,
      lastSeenAt: isoOrNull(c.summary?.lastSeenAt),
      changedAt: isoOrNull(c.summary?.changedAt),
      instances: c.instances.map(instanceView),
    })),
  };
}

export function seriesInfoView(s: MetricSeriesInfo) {
  return {
    key: s.key,
    service: s.service,
    instance: s.instance,
    metric: s.metric,
    kind: s.kind,
    labels: s.labels,
    points: s.points,
    firstAt: iso(s.firstAt),
    lastAt: iso(s.lastAt),
    lastValue: s.lastValue,
  };
}

export function seriesPointsView(s: MetricSeriesPoints) {
  return {
    key: s.key,
    service: s.service,
    instance: s.instance,
    metric: s.metric,
    kind: s.kind,
    labels: s.labels,
    points: s.range.map((p) => (p.count === null ? { at: iso(p.at), value: p.value } : { at: iso(p.at), value: p.value, count: p.count })),
  };
}

export function anomalyView(a: AnomalyEntry) {
  let evidence: unknown;
  try {
    evidence = a.evidence === null ? null : JSON.parse(a.evidence);
  } catch {
    evidence = null;
  }
  return {
    anomalyId: a.anomalyId,
    status: a.status,
    kind: a.kind,
    seriesKey: a.seriesKey,
    service: a.service,
    metric: a.metric,
    labels: a.labels,
    measure: a.measure,
    direction: a.direction,
    summary: a.summary,
    value: a.value,
    zScore: a.zScore,
    baseline: { mean: a.baselineMean, stdDev: a.baselineStdDev, source: a.baselineSource },
    window: { start: iso(a.windowStart), end: iso(a.windowEnd) },
    detectedAt: iso(a.detectedAt),
    evidence,
    resolution: a.resolution
      ? { resolution: a.resolution.resolution, value: a.resolution.value, worstValue: a.resolution.worstValue, badPoints: a.resolution.badPoints, resolvedAt: iso(a.resolution.resolvedAt) }
      : null,
  };
}

export function transitionView(t: AlertTransition) {
  return {
    alertId: t.alertId,
    alertName: t.alertName,
    state: t.state,
    previousState: t.previousState,
    severity: t.severity,
    labels: t.labels,
    annotations: t.annotations,
    value: t.value,
    activeSince: isoOrNull(t.activeSince),
    changedAt: iso(t.changedAt),
  };
}

export function alertView(a: AlertEntry) {
  return {
    ...transitionView(a),
    activatedAt: isoOrNull(a.activatedAt),
    acknowledgement: a.acknowledgement ? { by: a.acknowledgement.by, note: a.acknowledgement.note, at: iso(a.acknowledgement.at) } : null,
  };
}

export function silenceView(s: SilenceEntry) {
  return {
    silenceId: s.silenceId,
    state: s.state,
    matchers: s.matchers,
    startsAt: iso(s.startsAt),
    endsAt: iso(s.endsAt),
    comment: s.comment,
    createdBy: s.createdBy,
    createdAt: iso(s.createdAt),
    ...(s.expiredAt === undefined ? {} : { expiredBy: s.expiredBy ?? null, expiredAt: iso(s.expiredAt) }),
  };
}

const MEASURE = { counter: 'rate', gauge: 'value', histogram: 'mean' } as const;

/**
 * A stored baseline as people read it. `ready` flags use the library's default warm-up
 * (`baselineDefaults`), which is what the monitoring manager runs with.
 */
export function baselineView(s: SeriesSnapshot) {
  const o = baselineDefaults;
  return {
    seriesKey: s.key,
    service: s.service,
    metric: s.metric,
    labels: s.labels,
    kind: s.kind,
    measure: MEASURE[s.kind],
    points: s.overall.n,
    mean: s.overall.mean,
    stdDev: Math.sqrt(s.overall.variance),
    ready: s.overall.n >= o.minPoints,
    lastAt: isoOrNull(s.lastAt),
    lastValue: s.lastValue ?? null,
    hours: s.hours.flatMap((b, hour) =>
      b ? [{ hour, points: b.n, mean: b.mean, stdDev: Math.sqrt(b.variance), days: b.days, ready: o.seasonality && b.n >= o.seasonalMinPoints && b.days >= o.seasonalMinDays }] : [],
    ),
    openAnomaly: s.detector.open
      ? { anomalyId: s.detector.open.id, kind: s.detector.open.kind, direction: s.detector.open.direction, summary: s.detector.open.summary, openedAt: iso(s.detector.open.openedAt) }
      : null,
  };
}
