import type {
  AlertStateChanged,
  ComponentHealthChanged,
  MetricAnomalyDetected,
  MetricAnomalyResolved,
  MetricSnapshot,
  SilenceCreated,
} from '@tributary/schemas';

/** Fixtures of the monitoring manager's events, as decoded from Avro. */
export const T0 = Date.UTC(2026, 11, 1, 10, 0);
export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

export const snapshot = (over: Partial<MetricSnapshot> = {}): MetricSnapshot => ({
  service: 'cpm',
  instance: 'cpm-1',
  metric: 'tributary_messages_consumed_total',
  kind: 'counter',
  labels: { topic: 'orders' },
  value: 1,
  count: null,
  buckets: [],
  observedAt: T0,
  ...over,
});

export const health = (over: Partial<ComponentHealthChanged> = {}): ComponentHealthChanged => ({
  component: 'processor',
  instance: 'p-1',
  status: 'UP',
  previousStatus: null,
  reason: 'beating and ready',
  lastSeenAt: T0,
  changedAt: T0,
  ...over,
});

export const alert = (over: Partial<AlertStateChanged> = {}): AlertStateChanged => ({
  alertId: '0123456789abcdef',
  alertName: 'ConsumerLagHigh',
  state: 'firing',
  previousState: null,
  severity: 'warning',
  labels: { alertname: 'ConsumerLagHigh', severity: 'warning', service: 'processor', pipelineId: 'orders' },
  annotations: { summary: 'lag is high' },
  value: 12_000,
  activeSince: T0,
  changedAt: T0,
  ...over,
});

export const detected = (over: Partial<MetricAnomalyDetected> = {}): MetricAnomalyDetected => ({
  anomalyId: `cpm/latency:deviation:${T0}`,
  kind: 'deviation',
  seriesKey: 'cpm/latency',
  service: 'cpm',
  metric: 'latency',
  labels: {},
  measure: 'mean',
  direction: 'up',
  summary: 'latency of cpm is 5σ above its baseline',
  value: 2.5,
  zScore: 5,
  baselineMean: 0.1,
  baselineStdDev: 0.05,
  baselineSource: 'overall',
  windowStart: T0 - 30 * SECOND,
  windowEnd: T0,
  evidence: '{"points":[]}',
  detectedAt: T0,
  ...over,
});

export const anomalyResolved = (over: Partial<MetricAnomalyResolved> = {}): MetricAnomalyResolved => ({
  anomalyId: `cpm/latency:deviation:${T0}`,
  seriesKey: 'cpm/latency',
  service: 'cpm',
  metric: 'latency',
  labels: {},
  resolution: 'recovered',
  value: 0.1,
  worstValue: 3,
  badPoints: 4,
  resolvedAt: T0 + 5 * MINUTE,
  ...over,
});

export const silence = (over: Partial<SilenceCreated> = {}): SilenceCreated => ({
  silenceId: 's-1',
  matchers: ['service="processor"'],
  startsAt: T0,
  endsAt: T0 + HOUR,
  comment: 'maintenance',
  createdBy: 'apikey:operator:abc',
  createdAt: T0,
  ...over,
});
