import type { AlertSeverity, AlertStateChanged } from '@tributary/schemas';
import type { Labels } from '../labels/index.js';

/**
 * One sample of one series: a metric name and the labels that identify the series (e.g. the
 * service, instance and labels of a MetricSnapshot), its value and when it was observed (epoch ms).
 */
export interface SeriesSample {
  readonly metric: string;
  readonly labels: Labels;
  readonly value: number;
  readonly time: number;
}

/**
 * How far the latest value of a series is from its baseline, as computed by the monitoring
 * baselines: `score` is signed, in standard deviations (positive above the baseline mean).
 */
export interface AnomalySignal {
  readonly metric: string;
  readonly labels: Labels;
  /** The observed value that was scored. */
  readonly value: number;
  readonly score: number;
  readonly time: number;
}

/**
 * A transition of one alert: the value of a `tributary.monitoring.AlertStateChanged` event (Avro),
 * ready to publish to `tributary.monitoring.alerts` keyed by `alertId`.
 */
export type AlertStateChange = AlertStateChanged;

/** An alert the evaluator is tracking: pending or firing. */
export interface ActiveAlert {
  readonly alertId: string;
  readonly alertName: string;
  readonly state: 'pending' | 'firing';
  readonly severity: AlertSeverity;
  readonly labels: Labels;
  readonly annotations: Readonly<Record<string, string>>;
  readonly value: number | null;
  /** First evaluation at which the condition held. */
  readonly activeSince: number;
  /** When it turned firing; null while pending. */
  readonly firedAt: number | null;
  /** When its condition stopped holding while `keep_firing_for` keeps it firing; null otherwise. */
  readonly keepFiringSince: number | null;
}

export interface AlertEvaluatorStats {
  /** Series of samples kept (only metrics some rule reads). */
  readonly series: number;
  /** Series of anomaly signals kept. */
  readonly anomalySeries: number;
  /** New series refused because `maxSeries` was reached, since the evaluator was created. */
  readonly refusedSeries: number;
  readonly pendingAlerts: number;
  readonly firingAlerts: number;
}
