/**
 * One sample of one metric series, shaped as `tributary.monitoring.MetricSnapshot`
 * (schemas/monitoring/MetricSnapshot.avsc) without depending on the schemas lib. A report's samples
 * share service, instance and `observedAt`, so the sink sends them together as `MetricBatch` records.
 */
export interface MetricSample {
  service: string;
  instance: string;
  metric: string;
  kind: 'counter' | 'gauge' | 'histogram';
  labels: Record<string, string>;
  /** The counter's total, the gauge's value, or the histogram's sum of observations. */
  value: number;
  /** Observations of a histogram; null for counters and gauges. */
  count: number | null;
  /** Cumulative buckets of a histogram (`le` Infinity for +Inf); empty for counters and gauges. */
  buckets: { le: number; count: number }[];
  observedAt: number;
}

/** A liveness beat, shaped as `tributary.monitoring.Heartbeat`. */
export interface HeartbeatSample {
  service: string;
  instance: string;
  version: string | null;
  ready: boolean;
  startedAt: number;
  sentAt: number;
}

/** Where a reporter sends its samples: the app wires its Kafka publisher here. */
export interface MetricSampleSink {
  /** Every sample of one report, in one call (the Kafka sink batches them). */
  metrics(samples: readonly MetricSample[]): Promise<void>;
  heartbeat(beat: HeartbeatSample): Promise<void>;
}

export interface MetricsReporter {
  /** Takes one snapshot and sends it with a heartbeat (also what the interval does). */
  report(): Promise<void>;
  /** Stops the interval and sends a last snapshot, best effort. */
  close(): Promise<void>;
}
