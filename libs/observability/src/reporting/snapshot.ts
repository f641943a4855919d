import type { MetricObjectWithValues, MetricValue, MetricValueWithName } from 'prom-client';
import type { MetricSample } from './types.js';

type PromMetric = MetricObjectWithValues<MetricValue<string> | MetricValueWithName<string>>;
type PromLabels = Partial<Record<string, string | number>>;

/** A stable key of a label set, `le` left out (it splits a histogram into its buckets). */
function labelKey(labels: PromLabels): string {
  return Object.keys(labels)
    .filter((k) => k !== 'le')
    .sort()
    .map((k) => `${k}=${String(labels[k] ?? '')}`)
    .join(',');
}

function stringLabels(labels: PromLabels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (k !== 'le' && v !== undefined) out[k] = String(v);
  return out;
}

/**
 * prom-client's registry (`getMetricsAsJSON()`) as one sample per series: counters and gauges as
 * they are; a histogram's `_bucket`, `_sum` and `_count` values folded into one sample per label set.
 * Summaries are left out (none of Tributary's metrics is one; their quantiles do not add up anyway).
 */
export function samplesOf(metrics: readonly PromMetric[], who: { service: string; instance: string }, observedAt: number): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const m of metrics) {
    // prom-client's typings say an enum; at run time `type` is the Prometheus type name.
    const type = String(m.type);
    if (type === 'counter' || type === 'gauge') {
      for (const v of m.values) {
        if (!Number.isFinite(v.value)) continue;
        samples.push({ ...who, metric: m.name, kind: type, labels: stringLabels(v.labels), value: v.value, count: null, buckets: [], observedAt });
      }
    } else if (type === 'histogram') {
      const series = new Map<string, MetricSample>();
      for (const v of m.values) {
        const key = labelKey(v.labels);
        let sample = series.get(key);
        if (!sample) {
          sample = { ...who, metric: m.name, kind: 'histogram', labels: stringLabels(v.labels), value: 0, count: 0, buckets: [], observedAt };
          series.set(key, sample);
        }
        const name = 'metricName' in v ? v.metricName : undefined;
        if (name === `${m.name}_bucket`) {
          const le = v.labels.le;
          sample.buckets.push({ le: le === '+Inf' || le === undefined ? Number.POSITIVE_INFINITY : Number(le), count: v.value });
        } else if (name === `${m.name}_sum`) sample.value = v.value;
        else if (name === `${m.name}_count`) sample.count = v.value;
      }
      for (const sample of series.values()) {
        sample.buckets.sort((a, b) => a.le - b.le);
        samples.push(sample);
      }
    }
  }
  return samples;
}
