import type { Redis } from 'ioredis';
import { BaselineBook, type MetricPoint, seriesKey, storeKeys } from '../src/index.js';

/**
 * The naive design the book is measured against: the same baseline math in memory, but written
 * through to Redis on every point, one HSET per point (the series' state and readable fields, as the
 * store writes them), awaited before the next point. Fewer commands per point than the store's
 * MULTI (no index, no expiry), so the comparison favours the naive side.
 */
export function naiveWriter(redis: Redis, prefix: string): (point: MetricPoint) => Promise<void> {
  const book = new BaselineBook();
  const keys = storeKeys(prefix);
  return async (point) => {
    book.apply([point]);
    const key = seriesKey(point);
    const s = book.snapshot(key)!;
    await redis.hset(keys.baseline(key), {
      state: JSON.stringify(s),
      service: s.service,
      metric: s.metric,
      kind: s.kind,
      mean: s.overall.mean,
      stddev: Math.sqrt(s.overall.variance),
      points: s.overall.n,
      lastAt: s.lastAt ?? '',
    });
  };
}

/** The naive design over a list of points, from an empty book. */
export async function naivePass(redis: Redis, prefix: string, points: readonly MetricPoint[]): Promise<void> {
  const write = naiveWriter(redis, prefix);
  for (const point of points) await write(point);
}
