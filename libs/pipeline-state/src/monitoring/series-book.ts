import { PointRing } from './point-ring.js';
import type { MetricKind, MetricSeriesInfo, MetricSeriesPoints, SeriesFilter } from './types.js';

/** The part of a `MetricSnapshot` (or of a `MetricBatch` sample with its batch's service, instance and time) the series book reads. */
export interface SnapshotInput {
  readonly service: string;
  readonly instance: string;
  readonly metric: string;
  readonly kind: MetricKind;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly count: number | null;
  readonly observedAt: number;
}

/** The part of a `MetricBatch` the series book reads. */
export interface BatchInput {
  readonly service: string;
  readonly instance: string;
  readonly observedAt: number;
  readonly samples: readonly Omit<SnapshotInput, 'service' | 'instance' | 'observedAt'>[];
}

interface Series {
  readonly info: Omit<MetricSeriesInfo, 'points' | 'firstAt' | 'lastAt' | 'lastValue' | 'kind'>;
  kind: MetricKind;
  ring: PointRing;
}

/** Labels sorted by name, empty values dropped (Prometheus reads an empty label as an absent one). */
function sortedLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(labels).sort()) {
    const value = labels[name];
    if (value !== undefined && value !== '') out[name] = value;
  }
  return out;
}

/** `<service>/<instance>/<metric>{a="1",b="2"}`. */
export function metricSeriesKey(service: string, instance: string, metric: string, labels: Readonly<Record<string, string>>): string {
  const inner = Object.entries(labels)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(',');
  return `${service}/${instance}/${metric}{${inner}}`;
}

export function matchesSeries(identity: { service: string; instance: string; metric: string; labels: Readonly<Record<string, string>> }, filter: SeriesFilter): boolean {
  if (filter.service !== undefined && identity.service !== filter.service) return false;
  if (filter.instance !== undefined && identity.instance !== filter.instance) return false;
  if (filter.metric !== undefined && identity.metric !== filter.metric) return false;
  for (const [name, value] of Object.entries(filter.labels ?? {})) {
    if ((identity.labels[name] ?? '') !== value) return false;
  }
  return true;
}

/**
 * Metric series over time: per series (service, instance, metric, labels) the newest
 * `maxPointsPerSeries` points. At most `maxSeries` series: a new one past it drops the series updated
 * least recently (a `Map` re-inserted on every point keeps that order at O(1)). A point no newer than
 * its series' last one is ignored (redelivered, or replayed over), so each series stays in time order.
 */
export class SeriesBook {
  readonly #series = new Map<string, Series>();
  #evicted = 0;

  constructor(
    private readonly maxSeries: number,
    private readonly maxPointsPerSeries: number,
  ) {}

  /** False when the point was ignored (not finite, or not newer than the series' last point). */
  add(s: SnapshotInput): boolean {
    if (!Number.isFinite(s.value) || !Number.isFinite(s.observedAt)) return false;
    const labels = sortedLabels(s.labels);
    const key = metricSeriesKey(s.service, s.instance, s.metric, labels);
    let series = this.#series.get(key);
    if (series) {
      const lastAt = series.ring.lastAt;
      if (lastAt !== undefined && s.observedAt <= lastAt) return false;
      if (series.kind !== s.kind) {
        // A series whose kind changed (a redeploy redefined it) starts over: old points mean something else.
        series.kind = s.kind;
        series.ring = new PointRing(this.maxPointsPerSeries);
      }
      this.#series.delete(key);
    } else {
      series = { info: { key, service: s.service, instance: s.instance, metric: s.metric, labels }, kind: s.kind, ring: new PointRing(this.maxPointsPerSeries) };
      if (this.#series.size >= this.maxSeries) {
        const oldest = this.#series.keys().next();
        if (oldest.done !== true) {
          this.#series.delete(oldest.value);
          this.#evicted++;
        }
      }
    }
    series.ring.push(s.observedAt, s.value, s.kind === 'histogram' ? (s.count ?? null) : null);
    this.#series.set(key, series);
    return true;
  }

  /** Each sample of a batch as `add` takes it; false when every one was ignored. */
  addBatch(b: BatchInput): boolean {
    let added = false;
    for (const s of b.samples) {
      if (this.add({ service: b.service, instance: b.instance, observedAt: b.observedAt, metric: s.metric, kind: s.kind, labels: s.labels, value: s.value, count: s.count })) added = true;
    }
    return added;
  }

  list(filter: SeriesFilter = {}, limit = Number.POSITIVE_INFINITY): { series: MetricSeriesInfo[]; truncated: boolean } {
    const matching = [...this.#series.values()].filter((s) => matchesSeries(s.info, filter)).sort((a, b) => (a.info.key < b.info.key ? -1 : 1));
    return { series: matching.slice(0, limit).map(infoOf), truncated: matching.length > limit };
  }

  points(filter: SeriesFilter, range: { from: number; to: number }, limit = Number.POSITIVE_INFINITY): { series: MetricSeriesPoints[]; truncated: boolean } {
    const { series, truncated } = this.list(filter, limit);
    return {
      series: series.map((info) => ({ ...info, range: this.#series.get(info.key)!.ring.range(range.from, range.to) })),
      truncated,
    };
  }

  stats(): { series: number; maxSeries: number; maxPointsPerSeries: number; evicted: number } {
    return { series: this.#series.size, maxSeries: this.maxSeries, maxPointsPerSeries: this.maxPointsPerSeries, evicted: this.#evicted };
  }
}

function infoOf(s: Series): MetricSeriesInfo {
  return { ...s.info, kind: s.kind, points: s.ring.size, firstAt: s.ring.firstAt ?? 0, lastAt: s.ring.lastAt ?? 0, lastValue: s.ring.lastValue ?? 0 };
}
