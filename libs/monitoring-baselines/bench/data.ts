import type { MetricKind, MetricPoint } from '../src/index.js';
import { seededRandom } from '@tributary/testing';

const rng = seededRandom;

const KINDS: readonly MetricKind[] = ['counter', 'gauge', 'histogram'];
const T0 = Date.UTC(2024, 0, 15);
const INTERVAL_MS = 15_000;

/**
 * `points` metric samples over `series` series of 20 services (a third each counters, gauges and
 * histograms, with labels), in the order a consumer of tributary.monitoring.metrics sees them: every
 * series sampled once per 15 s round. Values are noisy around a per-series level.
 */
export function generatePoints(points: number, series: number, seed = 1): MetricPoint[] {
  const random = rng(seed);
  const specs = Array.from({ length: series }, (_, i) => ({
    service: `service-${i % 20}`,
    instance: `service-${i % 20}-0`,
    metric: `metric_${Math.floor(i / 20) % 50}`,
    kind: KINDS[i % 3]!,
    labels: { route: `/api/v1/resource-${i}`, method: i % 2 === 0 ? 'GET' : 'POST' },
    level: 10 + random() * 1000,
    total: 0,
    count: 0,
  }));
  const out: MetricPoint[] = [];
  for (let round = 0; out.length < points; round++) {
    for (const s of specs) {
      if (out.length >= points) break;
      const noisy = s.level * (1 + 0.05 * (random() - 0.5));
      if (s.kind === 'counter') s.total += (noisy * INTERVAL_MS) / 1000;
      if (s.kind === 'histogram') {
        s.count += 50;
        s.total += noisy * 50;
      }
      out.push({
        service: s.service,
        instance: s.instance,
        metric: s.metric,
        kind: s.kind,
        labels: { ...s.labels },
        value: s.kind === 'gauge' ? noisy : s.total,
        count: s.kind === 'histogram' ? s.count : null,
        buckets: [],
        observedAt: T0 + round * INTERVAL_MS,
      });
    }
  }
  return out;
}
