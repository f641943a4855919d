import type { MetricKind, MetricPoint } from '../src/index.js';

/** mulberry32: seeded, so every run measures the same points. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
