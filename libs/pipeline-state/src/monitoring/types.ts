import type { ViewOptions } from '../view-options.js';

export type HealthStatus = 'UP' | 'DEGRADED' | 'DOWN';
export type AlertState = 'pending' | 'firing' | 'resolved';
export type AlertSeverity = 'info' | 'warning' | 'critical';
export type SilenceState = 'pending' | 'active' | 'expired';
export type MetricKind = 'counter' | 'gauge' | 'histogram';

/** The latest `ComponentHealthChanged` of a component instance, or of the component as a whole. */
export interface HealthEntry {
  readonly component: string;
  /** null: the component (service) as a whole. */
  readonly instance: string | null;
  readonly status: HealthStatus;
  readonly previousStatus: HealthStatus | null;
  readonly reason: string;
  readonly lastSeenAt: number | null;
  readonly changedAt: number;
}

/** One component (a service, or a dependency of the monitoring manager such as `redis`). */
export interface ComponentHealth {
  readonly component: string;
  /** Its own status when the manager published one, else the worst of its instances. */
  readonly status: HealthStatus;
  /** The component-level entry; null when only instances were reported (e.g. `redis`). */
  readonly summary: HealthEntry | null;
  /** Instances, by name. */
  readonly instances: readonly HealthEntry[];
}

export interface HealthOverview {
  /** The worst component status; `UNKNOWN` before anything was reported. */
  readonly status: HealthStatus | 'UNKNOWN';
  /** Components by name. */
  readonly components: readonly ComponentHealth[];
  readonly at: number;
}

/** What identifies a series here: the service's instance is part of it (a counter is per process). */
export interface SeriesIdentity {
  readonly service: string;
  readonly instance: string;
  readonly metric: string;
  /** Sorted by name. */
  readonly labels: Readonly<Record<string, string>>;
}

export interface MetricPoint {
  readonly at: number;
  /** The counter's total, the gauge's value, or the histogram's sum. */
  readonly value: number;
  /** Observations of a histogram; null for counters and gauges. */
  readonly count: number | null;
}

export interface MetricSeriesInfo extends SeriesIdentity {
  /** `<service>/<instance>/<metric>{name="value",…}`: stable while the series is kept. */
  readonly key: string;
  readonly kind: MetricKind;
  /** Points kept (the newest, at most maxPointsPerSeries). */
  readonly points: number;
  readonly firstAt: number;
  readonly lastAt: number;
  readonly lastValue: number;
}

export interface MetricSeriesPoints extends MetricSeriesInfo {
  /** The points in the range asked, oldest first. */
  readonly range: readonly MetricPoint[];
}

/** Which series: every given field must be equal (labels: every given label). */
export interface SeriesFilter {
  readonly service?: string;
  readonly instance?: string;
  readonly metric?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** A metric anomaly as the monitoring manager reported it. */
export interface AnomalyEntry {
  readonly anomalyId: string;
  readonly kind: 'deviation' | 'level_shift';
  readonly seriesKey: string;
  readonly service: string;
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly measure: string;
  readonly direction: string;
  readonly summary: string;
  readonly value: number;
  readonly zScore: number;
  readonly baselineMean: number;
  readonly baselineStdDev: number;
  readonly baselineSource: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  /** The evidence JSON as published (null when it was over 64 KiB: not kept). */
  readonly evidence: string | null;
  readonly detectedAt: number;
  readonly status: 'open' | 'resolved';
  readonly resolution?: { readonly resolution: string; readonly value: number | null; readonly worstValue: number; readonly badPoints: number; readonly resolvedAt: number };
}

/** One `AlertStateChanged`. */
export interface AlertTransition {
  readonly alertId: string;
  readonly alertName: string;
  readonly state: AlertState;
  readonly previousState: AlertState | null;
  readonly severity: AlertSeverity;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly value: number | null;
  readonly activeSince: number | null;
  readonly changedAt: number;
}

export interface AlertAcknowledgement {
  readonly by: string;
  readonly note: string | null;
  readonly at: number;
}

/** An alert: its latest transition, and the acknowledgement of its current (or last) activation. */
export interface AlertEntry extends AlertTransition {
  /** When its current (or, once resolved, its last) activation began. */
  readonly activatedAt: number | null;
  readonly acknowledgement: AlertAcknowledgement | null;
}

export interface AlertFilter {
  readonly state?: AlertState;
  /** The alert rule (alertName). */
  readonly rule?: string;
  /** Label `pipelineId`. */
  readonly pipeline?: string;
  /** Label `service`. */
  readonly service?: string;
  /** Transition time (changedAt), from ≤ t < to. */
  readonly from?: number;
  readonly to?: number;
  /** Most entries returned (newest first). */
  readonly limit?: number;
}

export interface SilenceEntry {
  readonly silenceId: string;
  readonly matchers: readonly string[];
  readonly startsAt: number;
  readonly endsAt: number;
  readonly comment: string;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly state: SilenceState;
  /** Who ended it early, when someone did. */
  readonly expiredBy?: string;
  readonly expiredAt?: number;
}

/** The alert rule file in force (the latest `AlertRulesChanged`). */
export interface AlertRulesEntry {
  readonly version: number;
  readonly rules: string;
  readonly ruleNames: readonly string[];
  readonly changedBy: string;
  readonly changedAt: number;
}

export interface MonitoringViewOptions extends ViewOptions {
  /** Series kept; past it the series updated least recently is dropped. Default 2,000. */
  readonly maxSeries?: number;
  /** Points kept per series, the newest. Default 720 (3 h at the default 15 s interval). */
  readonly maxPointsPerSeries?: number;
  /**
   * How far back `<prefix>.monitoring.metrics` is read at start (the rest of the topic is skipped
   * without being fetched: it is days of snapshots and only the newest points are kept). Default 3 h.
   */
  readonly metricsLookbackMs?: number;
  /** Alerts kept (latest state per alert id); resolved ones are forgotten first. Default 10,000. */
  readonly maxAlerts?: number;
  /** Alert transitions kept, the newest. Default 10,000. */
  readonly maxAlertHistory?: number;
  /** Anomalies kept; resolved ones are forgotten first. Default 5,000. */
  readonly maxAnomalies?: number;
  /** Silences kept; expired ones are forgotten first. Default 10,000. */
  readonly maxSilences?: number;
  /** How long an expired silence stays listed. Default 120 h (Alertmanager's). */
  readonly expiredSilenceRetentionMs?: number;
  /** A DOWN instance (or component) whose last beat is older than this is forgotten, as the manager does. Default 1 h. */
  readonly forgetDownAfterMs?: number;
  /** Health entries kept (component instances); the oldest change is forgotten first. Default 10,000. */
  readonly maxHealthEntries?: number;
  /** The clock (silence states, forgetting). Default `Date.now`. */
  readonly now?: () => number;
}

/** What the monitoring read model answers (queries take the view's clock). */
export interface MonitoringQueries {
  health(): HealthOverview;
  /** Series matching the filter, by key; at most `limit`. */
  series(filter?: SeriesFilter, limit?: number): { series: MetricSeriesInfo[]; truncated: boolean };
  /** Points of the matching series with from ≤ at < to; at most `limit` series. */
  points(filter: SeriesFilter, range: { from: number; to: number }, limit?: number): { series: MetricSeriesPoints[]; truncated: boolean };
  seriesStats(): { series: number; maxSeries: number; maxPointsPerSeries: number; evicted: number };
  /** Newest detection first. */
  anomalies(filter?: { status?: 'open' | 'resolved'; service?: string; limit?: number }): AnomalyEntry[];
  /** Current alerts, newest change first; without `state`, only pending and firing ones. */
  alerts(filter?: AlertFilter): AlertEntry[];
  /** Transitions, newest first. */
  alertHistory(filter?: AlertFilter & { alertId?: string }): AlertTransition[];
  alert(alertId: string): AlertEntry | undefined;
  /** Newest created first. */
  silences(state?: SilenceState): SilenceEntry[];
  silence(silenceId: string): SilenceEntry | undefined;
  alertRules(): AlertRulesEntry | undefined;
}

/** Monitoring as the monitoring manager publishes it: health, metric series, anomalies, alerts, silences, alert rules. */
export interface MonitoringView extends MonitoringQueries {
  start(): Promise<void>;
  readonly caughtUp: boolean;
  close(): Promise<void>;
}
