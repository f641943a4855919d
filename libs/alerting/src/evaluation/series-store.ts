import { type Labels, canonicalLabels, labelsKey } from '../labels/index.js';

/** Samples of one series in time order, within the longest window a rule reads. */
export interface SeriesState {
  readonly labels: Labels;
  readonly times: number[];
  readonly values: number[];
  lastSeen: number;
}

/** The latest anomaly signal of one series. */
export interface SignalState {
  readonly labels: Labels;
  time: number;
  value: number;
  score: number;
}

/**
 * Series by metric name, then by canonical label text. Generic over what a series holds, so samples
 * and anomaly signals share the bookkeeping (limits, retention).
 */
export class SeriesIndex<S extends { readonly labels: Labels }> {
  readonly #metrics = new Map<string, Map<string, S>>();
  #size = 0;
  refused = 0;

  constructor(readonly maxSeries: number) {}

  get size(): number {
    return this.#size;
  }

  get(metric: string, labels: Labels, create: (labels: Labels) => S): S | undefined {
    const canonical = canonicalLabels(labels);
    const key = labelsKey(canonical);
    let series = this.#metrics.get(metric);
    const found = series?.get(key);
    if (found !== undefined) return found;
    if (this.#size >= this.maxSeries) {
      this.refused++;
      return undefined;
    }
    if (series === undefined) {
      series = new Map();
      this.#metrics.set(metric, series);
    }
    const state = create(canonical);
    series.set(key, state);
    this.#size++;
    return state;
  }

  series(metric: string): Iterable<S> {
    return this.#metrics.get(metric)?.values() ?? [];
  }

  entries(): Iterable<[string, S]> {
    const out: [string, S][] = [];
    for (const [metric, series] of this.#metrics) for (const state of series.values()) out.push([metric, state]);
    return out;
  }

  /** Drops series for which `drop` is true, and metrics left empty or no longer read. */
  prune(keepMetric: (metric: string) => boolean, drop: (metric: string, state: S) => boolean): number {
    let dropped = 0;
    for (const [metric, series] of this.#metrics) {
      for (const [key, state] of series) {
        if (!keepMetric(metric) || drop(metric, state)) {
          series.delete(key);
          dropped++;
        }
      }
      if (series.size === 0) this.#metrics.delete(metric);
    }
    this.#size -= dropped;
    return dropped;
  }
}

/** Inserts a sample in time order (a sample at an existing time replaces it) and caps the length. */
export function addSample(state: SeriesState, time: number, value: number, maxSamples: number): void {
  const { times, values } = state;
  let i = times.length;
  while (i > 0 && (times[i - 1] as number) > time) i--;
  if (i > 0 && times[i - 1] === time) {
    values[i - 1] = value;
  } else {
    times.splice(i, 0, time);
    values.splice(i, 0, value);
  }
  if (times.length > maxSamples) {
    times.splice(0, times.length - maxSamples);
    values.splice(0, values.length - maxSamples);
  }
  if (time > state.lastSeen) state.lastSeen = time;
}

/** Drops samples older than `windowMs` before the latest one (the latest is always kept). */
export function trimSamples(state: SeriesState, windowMs: number): void {
  const latest = state.times[state.times.length - 1];
  if (latest === undefined) return;
  let cut = 0;
  while (cut < state.times.length - 1 && (state.times[cut] as number) < latest - windowMs) cut++;
  if (cut > 0) {
    state.times.splice(0, cut);
    state.values.splice(0, cut);
  }
}
