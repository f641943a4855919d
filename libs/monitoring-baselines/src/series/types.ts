/** Prometheus metric type of a series, as MetricSnapshot.kind says. */
export type MetricKind = 'counter' | 'gauge' | 'histogram';

/** One cumulative histogram bucket. */
export interface HistogramBucket {
  readonly le: number;
  readonly count: number;
}

/**
 * One sample of one metric series of one service instance: the shape of the Avro record
 * `tributary.monitoring.MetricSnapshot` as decoded from `tributary.monitoring.metrics` (so a decoded
 * record is passed as is). `value` is the counter's total, the gauge's value or the histogram's sum.
 */
export interface MetricPoint {
  readonly service: string;
  readonly instance: string;
  readonly metric: string;
  readonly kind: MetricKind;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  /** Observations of a histogram; null (or absent) for counters and gauges. */
  readonly count?: number | null;
  /** Cumulative buckets of a histogram; not read (histograms are baselined on their mean). */
  readonly buckets?: readonly HistogramBucket[];
  /** Epoch ms the sample was taken: the only clock this library reads. */
  readonly observedAt: number;
}

/** What identifies a baselined series. The instance is not part of it (see docs/monitoring-baselines.md). */
export interface SeriesIdentity {
  readonly service: string;
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
}
