import type { MetricPoint } from './types.js';

const INITIAL_CAPACITY = 16;

/**
 * The newest `max` points of one series in typed arrays (16 bytes a point, 24 with histogram
 * counts), oldest first. Storage grows by doubling up to `max`, so a short-lived series stays small.
 * Points are appended in time order (the caller drops older ones), so ranges are binary searches.
 */
export class PointRing {
  #times = new Float64Array(INITIAL_CAPACITY);
  #values = new Float64Array(INITIAL_CAPACITY);
  /** Histogram counts; NaN for none. Created with the first count. */
  #counts: Float64Array | undefined;
  #start = 0;
  #size = 0;

  constructor(private readonly max: number) {}

  get size(): number {
    return this.#size;
  }

  /** Time of the newest point (undefined when empty). */
  get lastAt(): number | undefined {
    return this.#size === 0 ? undefined : this.#times[this.#index(this.#size - 1)];
  }

  get firstAt(): number | undefined {
    return this.#size === 0 ? undefined : this.#times[this.#start];
  }

  get lastValue(): number | undefined {
    return this.#size === 0 ? undefined : this.#values[this.#index(this.#size - 1)];
  }

  push(at: number, value: number, count: number | null): void {
    if (this.#size === this.#times.length && this.#size < this.max) this.#grow(Math.min(this.max, this.#times.length * 2));
    if (count !== null && !this.#counts) this.#counts = new Float64Array(this.#times.length).fill(Number.NaN);
    let slot: number;
    if (this.#size < this.#times.length) {
      slot = this.#index(this.#size);
      this.#size++;
    } else {
      // Full at max: overwrite the oldest.
      slot = this.#start;
      this.#start = (this.#start + 1) % this.#times.length;
    }
    this.#times[slot] = at;
    this.#values[slot] = value;
    if (this.#counts) this.#counts[slot] = count ?? Number.NaN;
  }

  /** Points with from ≤ at < to, oldest first. */
  range(from: number, to: number): MetricPoint[] {
    const out: MetricPoint[] = [];
    for (let i = this.#lowerBound(from); i < this.#size; i++) {
      const slot = this.#index(i);
      const at = this.#times[slot]!;
      if (at >= to) break;
      const count = this.#counts?.[slot];
      out.push({ at, value: this.#values[slot]!, count: count === undefined || Number.isNaN(count) ? null : count });
    }
    return out;
  }

  /** The first logical index whose time is ≥ t. */
  #lowerBound(t: number): number {
    let lo = 0;
    let hi = this.#size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#times[this.#index(mid)]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #index(logical: number): number {
    return (this.#start + logical) % this.#times.length;
  }

  #grow(capacity: number): void {
    const copy = (from: Float64Array, fill: number) => {
      const to = new Float64Array(capacity).fill(fill);
      for (let i = 0; i < this.#size; i++) to[i] = from[this.#index(i)]!;
      return to;
    };
    // Every copy is made before anything is replaced: #index reads the old capacity and start.
    const counts = this.#counts ? copy(this.#counts, Number.NaN) : undefined;
    const times = copy(this.#times, 0);
    const values = copy(this.#values, 0);
    this.#times = times;
    this.#values = values;
    this.#counts = counts;
    this.#start = 0;
  }
}
