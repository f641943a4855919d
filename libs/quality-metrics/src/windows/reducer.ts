import { mergeDeltas } from '../deltas/merge.js';
import { parseWindowDelta } from '../deltas/parse.js';
import type { QualityWindowDelta } from '../deltas/types.js';
import { QualityMetricsError } from '../errors.js';
import type { QualityWindowMetrics, WindowCloseReason } from '../types.js';
import { emptyDelta, metricsOf } from './metrics.js';
import { type QualityWindowReducerOptions, type ResolvedReducerOptions, resolveReducerOptions } from './options.js';

interface OpenWindow {
  readonly delta: QualityWindowDelta;
  /** The latest `now` a delta of this window came with. */
  readonly lastUpdate: number;
}

/** The windows of one size. */
interface Series {
  readonly sizeMs: number;
  readonly open: Map<number, OpenWindow>;
  /** Windows starting before this are closed: their deltas are late. */
  closedUpTo: number | undefined;
  /** End of the last window closed: the empty windows after it are reported as a gap. */
  lastEmittedEnd: number | undefined;
  emptyStreak: number;
  /** Records of late and future deltas, reported in the next window to close. */
  pendingLate: number;
  pendingFuture: number;
  /** Windows ending at or before this were published by an earlier run (markClosed): rebuilt, not returned. */
  publishedThrough: number | undefined;
}

/** What add will do with a delta in one series, decided before anything changes. */
interface Placement {
  readonly series: Series;
  readonly start: number;
  /** The delta over this series' window, merged with what the window already holds. */
  readonly merged: QualityWindowDelta;
}

/**
 * Merges the window deltas of one pipeline (from every partition and transaction) and closes its
 * windows, returning each closed window's QualityWindowMetrics once, oldest first per window size.
 * One reducer per pipeline, built from its definition; the caller keeps the map.
 *
 * - A window closes when the deltas moved allowedLateness past its end (`watermark`), when it got
 *   no delta for idleTimeout after its end plus allowedLateness (`idle`, checked by add against
 *   the delta's time and by flush against the clock), when a window size has maxOpenWindows open
 *   (`capacity`), or on closeAll (`close`). Closing a window closes every older one first.
 * - A delta for a window already closed is late: its records are counted in `counts.late` of the
 *   next window of that size to close, and nowhere else; a closed window is never reopened.
 * - Between two closed windows, the empty windows are reported too (up to maxGapWindows in a row).
 *
 * Rebuildable: the output depends only on the sequence of (delta, now) fed to add, with flush
 * adding nothing that add would not do at the next delta (idle is judged on the same rule), so
 * replaying the deltas topic with each message's Kafka timestamp as `now` gives the same windows.
 * After a restart, tell the reducer which windows were already published with markClosed and
 * replay from a little before them: see docs/quality-metrics.md.
 */
export class QualityWindowReducer {
  readonly pipelineId: string;
  private readonly options: ResolvedReducerOptions;
  private readonly series: readonly Series[];
  /** The start of the newest window a delta came for: the stream reached at least this time. */
  private reached: number | undefined;

  constructor(options: QualityWindowReducerOptions) {
    this.options = resolveReducerOptions(options);
    this.pipelineId = this.options.pipelineId;
    this.series = this.options.windowSizes.map((sizeMs) => ({
      sizeMs,
      open: new Map(),
      closedUpTo: undefined,
      lastEmittedEnd: undefined,
      emptyStreak: 0,
      pendingLate: 0,
      pendingFuture: 0,
      publishedThrough: undefined,
    }));
  }

  /** (start of the newest delta's window) − allowedLateness; undefined before the first delta. */
  get watermark(): number | undefined {
    return this.reached === undefined ? undefined : this.reached - this.options.allowedLateness;
  }

  get openWindowCount(): number {
    return this.series.reduce((n, s) => n + s.open.size, 0);
  }

  /**
   * Merges one delta, written at `now` (epoch ms: the Kafka timestamp of the delta's message, also
   * on a replay). Returns the windows closed meanwhile. Throws QualityMetricsError
   * (TRIB_QUALITY_DELTA_INVALID) for a malformed delta, another pipeline's, one whose size does not
   * divide every window size, or one that cannot be merged with its window: nothing changes then,
   * and the caller sends the delta to its DLQ.
   */
  add(input: QualityWindowDelta, now: number): QualityWindowMetrics[] {
    assertTime(now);
    const delta = parseWindowDelta(input);
    const size = delta.windowEnd - delta.windowStart;
    if (delta.pipelineId !== this.pipelineId) invalid('pipelineId', `is ${delta.pipelineId}, this reducer merges ${this.pipelineId}`);
    for (const s of this.series) {
      if (s.sizeMs % size !== 0) invalid('windowEnd', `a delta of ${size} ms cannot be summed into windows of ${s.sizeMs} ms`);
    }
    const future = delta.windowStart > now + this.options.futureTolerance;
    // Merge first (it may throw) against the windows that will still be open: the state changes only once it cannot fail.
    const idle = this.series.map((s) => idleBoundary(s, now, this.options));
    const placements: Placement[] = future
      ? []
      : this.series.map((s, i) => {
          const start = Math.floor(delta.windowStart / s.sizeMs) * s.sizeMs;
          const part: QualityWindowDelta = { ...delta, windowStart: start, windowEnd: start + s.sizeMs };
          const existing = s.open.get(start);
          const idleEnd = idle[i];
          const stillOpen = existing !== undefined && (idleEnd === undefined || start + s.sizeMs > idleEnd);
          return { series: s, start, merged: stillOpen ? mergeDeltas(existing.delta, part, this.options) : part };
        });

    const closed: QualityWindowMetrics[] = [];
    this.series.forEach((s, i) => {
      const boundary = idle[i];
      if (boundary !== undefined) this.closeThrough(s, boundary, 'idle', closed);
    });
    if (future) {
      for (const s of this.series) s.pendingFuture += delta.records;
      return ordered(closed);
    }
    if (this.reached === undefined || delta.windowStart > this.reached) this.reached = delta.windowStart;
    for (const { series: s, start, merged } of placements) this.place(s, start, merged, delta.records, now, closed);
    const watermark = this.watermark as number;
    for (const s of this.series) this.closeThrough(s, Math.floor(watermark / s.sizeMs) * s.sizeMs, 'watermark', closed);
    return ordered(closed);
  }

  /**
   * Closes the windows idle for longer than idleTimeout at `now` (the clock), once their end plus
   * allowedLateness has passed: the last windows of a pipeline that went quiet. Call it on a timer.
   */
  flush(now: number): QualityWindowMetrics[] {
    assertTime(now);
    const closed: QualityWindowMetrics[] = [];
    for (const s of this.series) {
      const boundary = idleBoundary(s, now, this.options);
      if (boundary !== undefined) this.closeThrough(s, boundary, 'idle', closed);
    }
    return ordered(closed);
  }

  /** Closes every open window (closedBy `close`), e.g. at the end of a bounded replay. */
  closeAll(): QualityWindowMetrics[] {
    const closed: QualityWindowMetrics[] = [];
    for (const s of this.series) {
      if (s.open.size > 0) this.closeThrough(s, Math.max(...s.open.keys()) + s.sizeMs, 'close', closed);
    }
    return ordered(closed);
  }

  /**
   * Says that `window` (one this reducer's pipeline publishes, e.g. the last one a previous run
   * published) and every earlier window of its size were published already: they are still rebuilt
   * from their deltas, so that closing and late counting go on exactly as in the run that published
   * them, but never returned again.
   */
  markClosed(window: { readonly pipelineId: string; readonly windowStart: number; readonly windowEnd: number }): void {
    const size = window.windowEnd - window.windowStart;
    const s = this.series.find((x) => x.sizeMs === size);
    if (window.pipelineId !== this.pipelineId || !s || window.windowStart % size !== 0) {
      const message = `${window.pipelineId} [${window.windowStart}, ${window.windowEnd}) is not a window this reducer closes`;
      throw new QualityMetricsError('TRIB_QUALITY_OPTIONS_INVALID', message, [{ path: 'window', message }]);
    }
    s.publishedThrough = Math.max(s.publishedThrough ?? -Infinity, window.windowEnd);
  }

  private place(s: Series, start: number, merged: QualityWindowDelta, records: number, now: number, closed: QualityWindowMetrics[]): void {
    if (s.closedUpTo !== undefined && start < s.closedUpTo) {
      s.pendingLate += records;
      return;
    }
    const existing = s.open.get(start);
    if (existing) {
      s.open.set(start, { delta: merged, lastUpdate: Math.max(existing.lastUpdate, now) });
      return;
    }
    if (s.open.size >= this.options.maxOpenWindows) {
      this.closeThrough(s, Math.min(...s.open.keys()) + s.sizeMs, 'capacity', closed);
      // The oldest open window was newer than this one: closing it closed this one's too.
      if (start < (s.closedUpTo as number)) {
        s.pendingLate += records;
        return;
      }
    }
    s.open.set(start, { delta: merged, lastUpdate: now });
  }

  /** Closes, oldest first, every open window ending at or before `boundary`, with the gaps between. */
  private closeThrough(s: Series, boundary: number, reason: WindowCloseReason, closed: QualityWindowMetrics[]): void {
    const due = [...s.open.keys()].filter((start) => start + s.sizeMs <= boundary).sort((a, b) => a - b);
    for (const start of due) {
      this.emitGap(s, start, reason, closed);
      const window = s.open.get(start) as OpenWindow;
      s.open.delete(start);
      this.emit(s, window.delta, reason, closed);
    }
    this.emitGap(s, boundary, reason, closed);
    if (s.closedUpTo === undefined || boundary > s.closedUpTo) s.closedUpTo = boundary;
  }

  /** Reports the empty windows from the last one closed up to `to`, at most maxGapWindows in a row. */
  private emitGap(s: Series, to: number, reason: WindowCloseReason, closed: QualityWindowMetrics[]): void {
    const from = s.lastEmittedEnd;
    if (from === undefined || to <= from) return;
    const windows = (to - from) / s.sizeMs;
    const reported = Math.max(0, Math.min(windows, this.options.maxGapWindows - s.emptyStreak));
    for (let i = 0; i < reported; i++) {
      const start = from + i * s.sizeMs;
      this.emit(s, emptyDelta(this.pipelineId, start, start + s.sizeMs), reason, closed);
    }
    s.emptyStreak += windows - reported;
    s.lastEmittedEnd = to;
  }

  private emit(s: Series, delta: QualityWindowDelta, closedBy: WindowCloseReason, closed: QualityWindowMetrics[]): void {
    const metrics = metricsOf(delta, this.options, { closedBy, late: s.pendingLate, future: s.pendingFuture });
    s.pendingLate = 0;
    s.pendingFuture = 0;
    s.emptyStreak = delta.records > 0 ? 0 : s.emptyStreak + 1;
    s.lastEmittedEnd = delta.windowEnd;
    if (s.publishedThrough === undefined || delta.windowEnd > s.publishedThrough) closed.push(metrics);
  }
}

/**
 * The end of the newest window that closes as idle at `now`: taken oldest first, while the oldest
 * open window got no delta for longer than idleTimeout and ended at least allowedLateness ago (so a
 * window still current is never closed, however quiet). Undefined when none.
 */
function idleBoundary(s: Series, now: number, options: ResolvedReducerOptions): number | undefined {
  let boundary: number | undefined;
  for (const start of [...s.open.keys()].sort((a, b) => a - b)) {
    const window = s.open.get(start) as OpenWindow;
    const end = start + s.sizeMs;
    if (now - window.lastUpdate <= options.idleTimeout || now < end + options.allowedLateness) break;
    boundary = end;
  }
  return boundary;
}

/** Windows of several sizes in the order of their ends; each size's own order is kept (stable sort). */
function ordered(closed: QualityWindowMetrics[]): QualityWindowMetrics[] {
  return closed.sort((a, b) => a.windowEnd - b.windowEnd);
}

function assertTime(now: number): void {
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    throw new QualityMetricsError('TRIB_QUALITY_RECORD_INVALID', `now must be a finite epoch-ms number, got ${String(now)}`, [
      { path: 'now', message: 'not a finite number' },
    ]);
  }
}

function invalid(path: string, message: string): never {
  throw new QualityMetricsError('TRIB_QUALITY_DELTA_INVALID', `invalid quality window delta: ${path} ${message}`, [{ path, message }]);
}
