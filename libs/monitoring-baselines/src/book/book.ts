import { type ModelOptions, judge } from '../anomaly/detector.js';
import { resolveAnomalyOptions } from '../anomaly/options.js';
import type { AnomalyTransition, MetricAnomaly } from '../anomaly/types.js';
import { resolveBaselineOptions } from '../baseline/options.js';
import { BaselineError } from '../errors.js';
import { canonicalLabels, seriesKey } from '../series/key.js';
import { observe, pointProblem } from '../series/observe.js';
import { type SeriesSnapshot, fromSnapshot, parseSeriesSnapshot, toSnapshot } from '../series/snapshot.js';
import { type SeriesState, newSeriesState } from '../series/state.js';
import type { MetricPoint } from '../series/types.js';
import { type BaselineView, baselineView } from '../series/view.js';
import type { BaselineStore } from '../store/store.js';
import { type BaselineBookOptions, type ResolvedBaselineBookOptions, resolveBaselineBookOptions } from './options.js';

/** A point apply() refused, and why. It changed nothing; a consumer may send it to its DLQ. */
export interface RejectedPoint {
  readonly point: MetricPoint;
  readonly reason: string;
}

export interface ApplyResult {
  /** Points taken into account (a first counter or histogram sample only sets its instance's cursor). */
  readonly accepted: number;
  /** Valid points no newer than their instance's last sample (redelivered or replayed twice): they change nothing. */
  readonly ignored: number;
  readonly rejected: readonly RejectedPoint[];
  /** Anomalies opened or resolved by these points, in point order. */
  readonly transitions: readonly AnomalyTransition[];
}

export interface FlushResult {
  /** Series written. */
  readonly saved: number;
  /** Redis had lost this book's baselines (restarted empty, flushed): every owned series was written again. */
  readonly resynced: boolean;
}

export interface RestoreResult {
  readonly series: number;
  /** Stored baselines that could not be read: replay their history (rebuild) to get them back. */
  readonly invalid: readonly { readonly seriesKey: string; readonly message: string }[];
}

export interface RebuildResult {
  readonly points: number;
  readonly series: number;
  readonly rejected: number;
  /** Anomalies still open at the end of the replay (their opening was published when it happened). */
  readonly open: readonly MetricAnomaly[];
}

/** Whether the book's baselines are safe in Redis. */
export interface BaselineBookHealth {
  /** `none`: no store configured. `degraded`: the last flush failed; baselines live in memory only. */
  readonly store: 'none' | 'ok' | 'degraded';
  readonly series: number;
  /** Series changed since they were last written. */
  readonly dirtySeries: number;
  /** Flushes failed in a row. */
  readonly failedFlushes: number;
  readonly degradedSince?: number;
  readonly lastError?: { readonly code: string; readonly message: string };
  readonly lastFlushAt?: number;
}

// Identity cache bound: metric cardinality beyond this is unusual; the cache just starts over.
const IDENTITY_CACHE_LIMIT = 100_000;

/**
 * Every series' baseline and detector in memory: what the monitoring manager calls per batch of
 * `tributary.monitoring.metrics` records. `apply` is pure and synchronous (no I/O, no clock); the
 * series it changed are marked dirty and `flush` writes them to the store in pipelined batches, so a
 * batch of thousands of points costs a few Redis round trips, not one per point.
 *
 * Redis down: `flush` fails with TRIB_BASELINE_STORE_UNAVAILABLE, keeps every dirty series, and
 * `health()` reports `degraded` until a flush succeeds; baselines and detection go on in memory.
 * Redis back empty: the next flush finds this book's writer mark gone and writes every series it owns.
 * Process restarted: `restore()` reads the store; if Redis was empty, `rebuild()` replays the topic.
 */
export class BaselineBook {
  private readonly options: ResolvedBaselineBookOptions;
  private readonly model: ModelOptions;
  private readonly states = new Map<string, SeriesState>();
  private readonly dirty = new Set<string>();
  /** Series this book applied points to (or rebuilt): the ones it may write in full. Restored, untouched series may belong to another instance. */
  private readonly owned = new Set<string>();
  private readonly identities = new Map<string, { key: string; labels: Record<string, string> }>();
  private flushing: Promise<unknown> = Promise.resolve();
  private claimed = false;
  private failedFlushes = 0;
  private degradedSince: number | undefined;
  private lastError: { code: string; message: string } | undefined;
  private lastFlushAt: number | undefined;

  constructor(options: BaselineBookOptions = {}) {
    this.options = resolveBaselineBookOptions(options);
    this.model = Object.freeze({ baseline: resolveBaselineOptions(options.baseline), anomaly: resolveAnomalyOptions(options.anomaly) });
  }

  get size(): number {
    return this.states.size;
  }

  get writerId(): string {
    return this.options.writerId;
  }

  /** Applies points in order: derives each one's observation, judges it, learns from it. */
  apply(points: Iterable<MetricPoint>): ApplyResult {
    let accepted = 0;
    let ignored = 0;
    const rejected: RejectedPoint[] = [];
    const transitions: AnomalyTransition[] = [];
    for (const point of points) {
      const problem = pointProblem(point);
      if (problem !== undefined) {
        rejected.push({ point, reason: problem });
        continue;
      }
      const state = this.stateFor(point);
      const last = state.instances.get(point.instance);
      if (last && point.observedAt <= last.at) {
        ignored++;
        continue;
      }
      accepted++;
      const observation = observe(state, point, this.model.baseline);
      this.dirty.add(state.key);
      if (!observation) continue;
      const transition = judge(state, observation, this.model);
      if (transition) transitions.push(transition);
    }
    return { accepted, ignored, rejected, transitions };
  }

  /**
   * Forgets everything in memory and replays `points` (the history of `tributary.monitoring.metrics`,
   * in topic order): the baselines come out exactly as if the points had been applied live. Every
   * series is then dirty, for the next flush. For a replay too long to hold, call clear() and apply()
   * batch by batch instead: it is the same computation.
   */
  rebuild(points: Iterable<MetricPoint>): RebuildResult {
    this.clear();
    let accepted = 0;
    let rejected = 0;
    let batch: MetricPoint[] = [];
    const run = () => {
      const result = this.apply(batch);
      accepted += result.accepted;
      rejected += result.rejected.length;
      batch = [];
    };
    for (const point of points) {
      batch.push(point);
      if (batch.length >= 10_000) run();
    }
    run();
    return { points: accepted, series: this.states.size, rejected, open: this.openAnomalies() };
  }

  /** Forgets every series in memory (the store is untouched). */
  clear(): void {
    this.states.clear();
    this.dirty.clear();
    this.owned.clear();
  }

  /**
   * Writes the dirty series to the store (one round trip per batch). When the store no longer holds
   * this book's writer mark (first flush, or Redis lost its data), every series the book owns is
   * written. On failure nothing is lost: the series stay dirty, health() turns degraded, and the
   * error (TRIB_BASELINE_STORE_UNAVAILABLE is retriable) is thrown for the caller to report.
   * Concurrent calls run one after the other.
   */
  flush(): Promise<FlushResult> {
    const store = this.options.store;
    if (!store) return Promise.reject(noStore('flush'));
    const run = this.flushing.then(() => this.flushOnce(store));
    this.flushing = run.catch(() => undefined);
    return run;
  }

  /**
   * Replaces the series in memory with the store's (all services, or only `services`). Returns how
   * many were read; 0 with an empty store means the caller should rebuild from the topic.
   */
  async restore(services?: readonly string[]): Promise<RestoreResult> {
    const store = this.requireStore('restore');
    const loaded = services ? await store.loadServices(services) : await store.loadAll();
    this.restoreSnapshots(loaded.snapshots);
    return { series: loaded.snapshots.length, invalid: loaded.invalid };
  }

  /**
   * Replaces the series in memory with `snapshots` (as snapshot()/snapshots() wrote them, possibly
   * through JSON), each validated: TRIB_BASELINE_SNAPSHOT_INVALID names the first bad one, and then
   * nothing is replaced. Restored series are not dirty and not owned until points arrive for them.
   */
  restoreSnapshots(snapshots: readonly unknown[]): void {
    const states = snapshots.map((s) => fromSnapshot(parseSeriesSnapshot(s)));
    this.clear();
    for (const state of states) this.states.set(state.key, state);
  }

  /** Series keys, sorted. */
  seriesKeys(): string[] {
    return [...this.states.keys()].sort();
  }

  baseline(seriesKey: string): BaselineView | undefined {
    const state = this.states.get(seriesKey);
    return state ? baselineView(state, this.model.baseline) : undefined;
  }

  /** One series as stored (a deep copy). */
  snapshot(seriesKey: string): SeriesSnapshot | undefined {
    const state = this.states.get(seriesKey);
    return state ? toSnapshot(state) : undefined;
  }

  /** Every series as stored, by key. */
  snapshots(): SeriesSnapshot[] {
    return this.seriesKeys().map((key) => toSnapshot(this.states.get(key)!));
  }

  /** Open anomalies, by id. */
  openAnomalies(): MetricAnomaly[] {
    const open: MetricAnomaly[] = [];
    for (const state of this.states.values()) if (state.detector.open) open.push(state.detector.open);
    return open.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  health(): BaselineBookHealth {
    return {
      store: !this.options.store ? 'none' : this.failedFlushes > 0 ? 'degraded' : 'ok',
      series: this.states.size,
      dirtySeries: this.dirty.size,
      failedFlushes: this.failedFlushes,
      ...(this.degradedSince !== undefined ? { degradedSince: this.degradedSince } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.lastFlushAt !== undefined ? { lastFlushAt: this.lastFlushAt } : {}),
    };
  }

  private async flushOnce(store: BaselineStore): Promise<FlushResult> {
    let keys: string[] = [];
    try {
      const known = await store.claimWriter(this.options.writerId);
      const resynced = !known && this.claimed;
      this.claimed = true;
      // Taken after the last await before save: points applied meanwhile are in these snapshots.
      keys = known ? [...this.dirty] : [...new Set([...this.owned, ...this.dirty])];
      this.dirty.clear();
      const snapshots = keys.map((key) => toSnapshot(this.states.get(key)!));
      const saved = await store.save(snapshots);
      this.failedFlushes = 0;
      this.degradedSince = undefined;
      this.lastFlushAt = this.options.clock();
      return { saved, resynced };
    } catch (err) {
      for (const key of keys) if (this.states.has(key)) this.dirty.add(key);
      this.failedFlushes++;
      this.degradedSince ??= this.options.clock();
      const code: string = err instanceof BaselineError ? err.code : 'UNKNOWN';
      this.lastError = { code, message: err instanceof Error ? err.message : String(err) };
      throw err;
    }
  }

  private requireStore(what: string): BaselineStore {
    const store = this.options.store;
    if (!store) throw noStore(what);
    return store;
  }

  private stateFor(point: MetricPoint): SeriesState {
    const identity = this.identityOf(point);
    let state = this.states.get(identity.key);
    // A series that changed kind (re-registered as another metric type) starts over: its old
    // baseline measured something else.
    if (!state || state.kind !== point.kind) {
      state = newSeriesState(identity.key, { service: point.service, metric: point.metric, labels: identity.labels }, point.kind);
      this.states.set(identity.key, state);
    }
    this.owned.add(identity.key);
    return state;
  }

  /**
   * The series key of a point, cached by its raw identity: service, metric and labels in the order
   * they arrived, each string prefixed by its length (a prefix-free form, so two identities never
   * share one; about half the cost of JSON.stringify, which ran for every point).
   */
  private identityOf(point: MetricPoint): { key: string; labels: Record<string, string> } {
    let raw = `${point.service.length}:${point.service}${point.metric.length}:${point.metric}`;
    const pointLabels = point.labels;
    for (const name in pointLabels) {
      const value = pointLabels[name]!;
      raw += `${name.length}:${name}${value.length}:${value}`;
    }
    let identity = this.identities.get(raw);
    if (!identity) {
      const labels = canonicalLabels(point.labels);
      identity = { key: seriesKey({ service: point.service, metric: point.metric, labels }), labels };
      if (this.identities.size >= IDENTITY_CACHE_LIMIT) this.identities.clear();
      this.identities.set(raw, identity);
    }
    return identity;
  }
}

function noStore(what: string): BaselineError {
  return new BaselineError('TRIB_BASELINE_OPTIONS_INVALID', `cannot ${what}: the book was created without a store`);
}
