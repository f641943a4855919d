import type { MetricBatch, MetricBatchSample, MetricSnapshot } from '@tributary/schemas';

/** Defaults of `metricBatchesOf` (and of the monitoring sink). */
export const metricBatchDefaults = {
  /** Samples per MetricBatch record at most: a service reports a few dozen series, so most reports are one record. */
  maxSamples: 500,
  /**
   * Estimated Avro bytes per record at most (an upper bound of the encoding, so the real record is
   * smaller): a quarter of Kafka's default max.message.bytes (1 MiB), far from the limit.
   */
  maxBytes: 256 * 1024,
} as const;

export interface MetricBatchBounds {
  /** Samples per record at most (default 500). */
  readonly maxSamples?: number;
  /** Estimated bytes per record at most (default 256 KiB). A single sample larger than this still gets a record of its own. */
  readonly maxBytes?: number;
}

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/**
 * An upper bound of a sample's Avro encoding: a string is its UTF-8 bytes and a length of at most 5
 * bytes (zig-zag varint), a double 8 bytes, a long or a block count at most 10, an enum or a union
 * index at most 5. Cheap enough for every sample of every report (no encoding twice).
 */
function sampleBytes(s: MetricSnapshot): number {
  let n = 5 + utf8(s.metric) + 5 + 10 + 8 + 5 + 10 + 10 + s.buckets.length * 18 + 10;
  for (const name in s.labels) n += 10 + utf8(name) + utf8(s.labels[name]!);
  return n;
}

/**
 * A report's samples as MetricBatch records: the samples of one (service, instance, observedAt)
 * together, in their order, split so that no record holds more than `maxSamples` samples or (by an
 * upper-bound estimate) `maxBytes` bytes. Samples of other services (the monitoring manager's lag
 * series name the service that runs each group) or other times go in records of their own, so each
 * record is keyed by its service. Pure.
 */
export function metricBatchesOf(samples: readonly MetricSnapshot[], bounds: MetricBatchBounds = {}): MetricBatch[] {
  const maxSamples = bounds.maxSamples ?? metricBatchDefaults.maxSamples;
  const maxBytes = bounds.maxBytes ?? metricBatchDefaults.maxBytes;
  if (!Number.isInteger(maxSamples) || maxSamples < 1) throw new RangeError(`maxSamples must be a positive integer, not ${maxSamples}`);
  if (!(maxBytes > 0)) throw new RangeError(`maxBytes must be positive, not ${maxBytes}`);
  const headerBytes = (s: MetricSnapshot) => 5 + utf8(s.service) + 5 + utf8(s.instance) + 10 + 10;
  /** The open (last) record of each (service, instance, observedAt) and its estimated size. */
  const open = new Map<string, { batch: MetricBatch; bytes: number }>();
  const out: MetricBatch[] = [];
  for (const s of samples) {
    const group = `${s.service}\u0000${s.instance}\u0000${s.observedAt}`;
    const bytes = sampleBytes(s);
    let current = open.get(group);
    if (!current || current.batch.samples.length >= maxSamples || (current.batch.samples.length > 0 && current.bytes + bytes > maxBytes)) {
      current = { batch: { service: s.service, instance: s.instance, observedAt: s.observedAt, samples: [] }, bytes: headerBytes(s) };
      open.set(group, current);
      out.push(current.batch);
    }
    const sample: MetricBatchSample = { metric: s.metric, kind: s.kind, labels: s.labels, value: s.value, count: s.count, buckets: s.buckets };
    current.batch.samples.push(sample);
    current.bytes += bytes;
  }
  return out;
}

/** A batch's samples as the points they are (MetricSnapshot's shape: service, instance and time on each). Pure. */
export function metricBatchPoints(batch: MetricBatch): MetricSnapshot[] {
  const { service, instance, observedAt } = batch;
  return batch.samples.map((s) => ({ service, instance, metric: s.metric, kind: s.kind, labels: s.labels, value: s.value, count: s.count, buckets: s.buckets, observedAt }));
}
