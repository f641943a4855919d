import { statfs } from 'node:fs/promises';
import type { MetricSnapshot } from '@tributary/schemas';
import { GROUP_LAG_SERVICE } from '../lag/lag.js';

export const DISK_FREE_METRIC = 'tributary_disk_free_bytes';
export const DISK_USED_RATIO_METRIC = 'tributary_disk_used_ratio';

/**
 * The file system holding `path` (the Kafka data directory): free bytes and the used ratio, as gauges
 * of service `kafka` labelled with the path. "Free" is what an unprivileged process may still write
 * (`bavail`), as `df` reports it.
 */
export async function diskSamples(path: string, instance: string, now: number): Promise<MetricSnapshot[]> {
  const s = await statfs(path);
  const total = s.blocks * s.bsize;
  const free = s.bavail * s.bsize;
  const used = total - s.bfree * s.bsize;
  // df's Use%: used / (used + available), so blocks reserved for root do not count as free.
  const ratio = used + free === 0 ? 0 : used / (used + free);
  const gauge = (metric: string, value: number): MetricSnapshot => ({
    service: GROUP_LAG_SERVICE,
    instance,
    metric,
    kind: 'gauge',
    labels: { path },
    value,
    count: null,
    buckets: [],
    observedAt: now,
  });
  return [gauge(DISK_FREE_METRIC, free), gauge(DISK_USED_RATIO_METRIC, ratio)];
}
