import type {
  AlertAcknowledged,
  AlertRulesChanged,
  AlertStateChanged,
  ComponentHealthChanged,
  MetricAnomalyDetected,
  MetricAnomalyResolved,
  MetricBatch,
  MetricSnapshot,
  SilenceCreated,
  SilenceExpired,
} from '@tributary/schemas';
import { AlertBook } from './alert-book.js';
import { AnomalyBook } from './anomaly-book.js';
import { HealthBook } from './health-book.js';
import type { MonitoringBounds } from './options.js';
import { SeriesBook } from './series-book.js';
import { SilenceBook } from './silence-book.js';
import type { AlertRulesEntry, MonitoringQueries } from './types.js';

/** The event types the monitoring read model keeps; anything else (Heartbeat, commands' rejections) is skipped by its header. */
export const MONITORING_VIEW_TYPES = Object.freeze({
  /** What services write: a report's samples in one record. */
  metricBatch: 'tributary.monitoring.MetricBatch',
  /** One sample a record, as services wrote before MetricBatch: still read. */
  metricSnapshot: 'tributary.monitoring.MetricSnapshot',
  componentHealthChanged: 'tributary.monitoring.ComponentHealthChanged',
  anomalyDetected: 'tributary.monitoring.MetricAnomalyDetected',
  anomalyResolved: 'tributary.monitoring.MetricAnomalyResolved',
  alertStateChanged: 'tributary.monitoring.AlertStateChanged',
  alertAcknowledged: 'tributary.monitoring.AlertAcknowledged',
  silenceCreated: 'tributary.monitoring.SilenceCreated',
  silenceExpired: 'tributary.monitoring.SilenceExpired',
  alertRulesChanged: 'tributary.monitoring.AlertRulesChanged',
});

/** The monitoring read model without Kafka: decoded events in, answers out. */
export interface MonitoringState extends MonitoringQueries {
  /** Folds one decoded event in; false when it changed nothing (a repeat, an older one, a type not kept). */
  apply(type: string, value: unknown): boolean;
}

/**
 * Folds monitoring events into bounded state (see each book for its rule). Pure but for `now`,
 * which dates silences and forgets long-DOWN instances at query time.
 */
export function createMonitoringState(bounds: MonitoringBounds, now: () => number = Date.now): MonitoringState {
  const T = MONITORING_VIEW_TYPES;
  const series = new SeriesBook(bounds.maxSeries, bounds.maxPointsPerSeries);
  const health = new HealthBook(bounds.maxHealthEntries, bounds.forgetDownAfterMs);
  const alerts = new AlertBook(bounds.maxAlerts, bounds.maxAlertHistory);
  const anomalies = new AnomalyBook(bounds.maxAnomalies);
  const silences = new SilenceBook(bounds.maxSilences, bounds.expiredSilenceRetentionMs);
  let rules: AlertRulesEntry | undefined;

  const handlers: Record<string, (value: never) => boolean> = {
    [T.metricBatch]: (b: MetricBatch) => series.addBatch(b),
    [T.metricSnapshot]: (m: MetricSnapshot) => series.add(m),
    [T.componentHealthChanged]: (h: ComponentHealthChanged) => health.changed(h),
    [T.alertStateChanged]: (a: AlertStateChanged) => alerts.transition(a),
    [T.alertAcknowledged]: (a: AlertAcknowledged) => {
      alerts.acknowledged(a.alertId, { by: a.acknowledgedBy, note: a.note, at: a.acknowledgedAt });
      return true;
    },
    [T.anomalyDetected]: (a: MetricAnomalyDetected) =>
      anomalies.detected({
        anomalyId: a.anomalyId,
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
        baselineMean: a.baselineMean,
        baselineStdDev: a.baselineStdDev,
        baselineSource: a.baselineSource,
        windowStart: a.windowStart,
        windowEnd: a.windowEnd,
        evidence: a.evidence,
        detectedAt: a.detectedAt,
      }),
    [T.anomalyResolved]: (r: MetricAnomalyResolved) =>
      anomalies.resolved(r.anomalyId, { resolution: r.resolution, value: r.value, worstValue: r.worstValue, badPoints: r.badPoints, resolvedAt: r.resolvedAt }),
    [T.silenceCreated]: (s: SilenceCreated) =>
      silences.created(
        { silenceId: s.silenceId, matchers: s.matchers, startsAt: s.startsAt, endsAt: s.endsAt, comment: s.comment, createdBy: s.createdBy, createdAt: s.createdAt },
        now(),
      ),
    [T.silenceExpired]: (s: SilenceExpired) => silences.expired(s.silenceId, s.expiredBy, s.expiredAt),
    [T.alertRulesChanged]: (r: AlertRulesChanged) => {
      // Versions only grow; an older one read after a newer (a replay across partitions) changes nothing.
      if (rules && rules.version >= r.version) return false;
      rules = { version: r.version, rules: r.rules, ruleNames: r.ruleNames, changedBy: r.changedBy, changedAt: r.changedAt };
      return true;
    },
  };

  return {
    apply(type, value) {
      const handler = handlers[type];
      return handler !== undefined && typeof value === 'object' && value !== null && handler(value as never);
    },
    health: () => health.overview(now()),
    series: (filter, limit) => series.list(filter, limit),
    points: (filter, range, limit) => series.points(filter, range, limit),
    seriesStats: () => series.stats(),
    anomalies: (filter) => anomalies.list(filter),
    alerts: (filter) => alerts.current(filter),
    alertHistory: (filter) => alerts.history(filter),
    alert: (alertId) => alerts.get(alertId),
    silences: (state) => silences.list(now(), state),
    silence: (silenceId) => silences.get(silenceId, now()),
    alertRules: () => rules,
  };
}
