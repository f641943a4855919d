import type { ExpectationResult } from '../expectations/types.js';
import type { QualityWindowMetrics } from '../types.js';
import { baselineOf, isAnomalous } from './baseline.js';
import { type QualityIssueDetectorOptions, type ResolvedQualityIssueOptions, resolveQualityIssueOptions } from './options.js';
import { RULE_PREFIX, type SignalObservation, compare, observeSignals } from './signals.js';
import { parseIssueSnapshot } from './snapshot.js';
import { issueSummary } from './summary.js';
import type { IssueBaseline, IssueReason, IssueTransition, QualityIssue, QualityIssueSnapshot } from './types.js';

interface SignalState {
  history: number[];
  goodStreak: number;
  open: QualityIssue | undefined;
  pending: { issue: QualityIssue; values: number[] } | undefined;
}

interface PipelineState {
  readonly lastWindowStarts: Map<number, number>;
  readonly signals: Map<string, SignalState>;
}

/**
 * Turns closed windows into quality issues: a pure state machine per pipeline and signal (the score,
 * each expectation, each per-record rule). A signal opens an issue when it crosses its declared
 * bound, or when it breaks from its own recent history (see isAnomalous) for `anomalyWindows`
 * windows in a row; it resolves after
 * `recoveryWindows` good windows in a row. At most one issue is open per pipeline and signal, and
 * only transitions are returned, so a drop lasting ten windows is one issue, not ten.
 *
 * Everything depends on the windows fed and nothing else (no clock), so the state is rebuilt either
 * from `snapshot()` or by feeding the same windows again, and issue ids come out the same.
 */
export class QualityIssueDetector {
  private readonly options: ResolvedQualityIssueOptions;
  private readonly pipelines = new Map<string, PipelineState>();

  constructor(options: Partial<QualityIssueDetectorOptions> = {}) {
    this.options = resolveQualityIssueOptions(options);
  }

  /** A detector with the state of `snapshot` (validated: TRIB_QUALITY_SNAPSHOT_INVALID). */
  static restore(snapshot: unknown, options: Partial<QualityIssueDetectorOptions> = {}): QualityIssueDetector {
    const detector = new QualityIssueDetector(options);
    for (const p of parseIssueSnapshot(snapshot).pipelines) {
      const state = detector.pipeline(p.pipelineId);
      for (const w of p.lastWindowStarts) state.lastWindowStarts.set(w.windowSizeMs, w.windowStart);
      for (const s of p.signals) {
        state.signals.set(s.signal, {
          history: s.history.slice(-detector.options.baselineWindows),
          goodStreak: s.goodStreak,
          open: s.open,
          pending: s.pending ? { issue: s.pending.issue, values: [...s.pending.values] } : undefined,
        });
      }
    }
    return detector;
  }

  /**
   * Judges one closed window and the results of the expectations evaluated on it (results of other
   * windows are ignored). A window not newer than the last one of its pipeline and size is ignored
   * too, so at-least-once delivery of windows does not count one twice.
   */
  observe(window: QualityWindowMetrics, results: readonly ExpectationResult[] = []): IssueTransition[] {
    const size = window.windowEnd - window.windowStart;
    const state = this.pipeline(window.pipelineId);
    const last = state.lastWindowStarts.get(size);
    if (last !== undefined && window.windowStart <= last) return [];
    state.lastWindowStarts.set(size, window.windowStart);

    const own = results.filter(
      (r) => r.pipelineId === window.pipelineId && r.windowStart === window.windowStart && r.windowEnd === window.windowEnd,
    );
    const knownRules = [...state.signals.keys()].filter((s) => s.startsWith(RULE_PREFIX)).map((s) => s.slice(RULE_PREFIX.length));
    const observations = observeSignals(window, own, size === this.options.windowSize, knownRules, this.options);
    const transitions: IssueTransition[] = [];
    for (const o of observations) {
      let signal = state.signals.get(o.signal);
      if (!signal) {
        signal = { history: [], goodStreak: 0, open: undefined, pending: undefined };
        state.signals.set(o.signal, signal);
      }
      const transition = this.step(window.pipelineId, signal, o);
      if (transition) transitions.push(transition);
      this.forgetIfQuiet(state, o.signal, signal);
    }
    return transitions;
  }

  /** Open issues, by id. */
  openIssues(pipelineId?: string): QualityIssue[] {
    const open: QualityIssue[] = [];
    for (const [id, state] of this.pipelines) {
      if (pipelineId !== undefined && id !== pipelineId) continue;
      for (const signal of state.signals.values()) if (signal.open) open.push(signal.open);
    }
    return open.sort((a, b) => compare(a.id, b.id));
  }

  /**
   * Drops the state of a pipeline (deleted) or of one of its signals (an expectation removed from the
   * definition): its open issue, if any, will never resolve by itself, so the caller retires it.
   */
  forget(pipelineId: string, signal?: string): void {
    if (signal === undefined) this.pipelines.delete(pipelineId);
    else this.pipelines.get(pipelineId)?.signals.delete(signal);
  }

  /**
   * Closes an open issue a person resolved: no transition is returned (the person's resolution is the
   * event). The signal keeps its history; if it is still failing, a later window opens a new issue.
   * False when the issue is not open here (unknown, already resolved, or superseded).
   */
  retire(pipelineId: string, issueId: string): boolean {
    for (const signal of this.pipelines.get(pipelineId)?.signals.values() ?? []) {
      if (signal.open?.id !== issueId) continue;
      signal.open = undefined;
      signal.goodStreak = 0;
      return true;
    }
    return false;
  }

  snapshot(): QualityIssueSnapshot {
    const pipelines = [...this.pipelines.entries()]
      .sort(([a], [b]) => compare(a, b))
      .map(([pipelineId, state]) => ({
        pipelineId,
        lastWindowStarts: [...state.lastWindowStarts.entries()]
          .sort(([a], [b]) => a - b)
          .map(([windowSizeMs, windowStart]) => ({ windowSizeMs, windowStart })),
        signals: [...state.signals.entries()]
          .sort(([a], [b]) => compare(a, b))
          .map(([signal, s]) => ({
            signal,
            history: [...s.history],
            goodStreak: s.goodStreak,
            ...(s.open ? { open: s.open } : {}),
            ...(s.pending ? { pending: s.pending } : {}),
          })),
      }));
    // A deep copy through JSON: the snapshot is what gets stored, and must not alias live state.
    return JSON.parse(JSON.stringify({ version: 1, pipelines })) as QualityIssueSnapshot;
  }

  private pipeline(pipelineId: string): PipelineState {
    let state = this.pipelines.get(pipelineId);
    if (!state) {
      state = { lastWindowStarts: new Map(), signals: new Map() };
      this.pipelines.set(pipelineId, state);
    }
    return state;
  }

  private step(pipelineId: string, signal: SignalState, o: SignalObservation): IssueTransition | undefined {
    const { anomalyStdDevs, minBaselineWindows, anomalyWindows, recoveryWindows } = this.options;
    const baseline = signal.history.length >= minBaselineWindows ? baselineOf(signal.history) : undefined;
    const anomalous = o.anomalies && baseline !== undefined && isAnomalous(o.value, baseline, o.worse, anomalyStdDevs, o.minDelta);
    const bad = o.breach || anomalous;

    if (!signal.open) {
      const pending = signal.pending;
      if (!bad) {
        // Anomalies that did not last were ordinary variation after all: they belong in the baseline.
        for (const value of pending?.values ?? []) this.remember(signal, value);
        signal.pending = undefined;
        this.remember(signal, o.value);
        return undefined;
      }
      const issue = pending ? worsen(pending.issue, o) : this.draft(pipelineId, o, o.breach ? 'threshold' : 'anomaly', baseline);
      const values = [...(pending?.values ?? []), o.value];
      if (!o.breach && values.length < anomalyWindows) {
        signal.pending = { issue, values };
        return undefined;
      }
      signal.pending = undefined;
      signal.open = issue;
      signal.goodStreak = 0;
      return { kind: 'opened', issue };
    }

    if (bad) {
      signal.goodStreak = 0;
      signal.open = worsen(signal.open, o);
      return undefined;
    }
    // Bad values never enter the history, so the baseline an anomaly is judged against is the one
    // from before it, and recovery means coming back to it.
    this.remember(signal, o.value);
    signal.goodStreak++;
    if (signal.goodStreak < recoveryWindows) return undefined;
    const resolved: QualityIssue = {
      ...signal.open,
      status: 'resolved',
      resolvedWindowStart: o.windowStart,
      resolvedWindowEnd: o.windowEnd,
      resolvedObservedValue: o.value,
    };
    signal.open = undefined;
    signal.goodStreak = 0;
    return { kind: 'resolved', issue: resolved };
  }

  /** The issue a bad window would open; its id is fixed by the window, so replays agree on it. */
  private draft(pipelineId: string, o: SignalObservation, reason: IssueReason, baseline: IssueBaseline | undefined): QualityIssue {
    return {
      id: `${pipelineId}:${o.signal}:${o.windowStart}`,
      pipelineId,
      signal: o.signal,
      kind: o.kind,
      ...(o.ruleId !== undefined ? { ruleId: o.ruleId } : {}),
      ...(o.expectationId !== undefined ? { expectationId: o.expectationId } : {}),
      reason,
      severity: o.severity,
      status: 'open',
      summary: issueSummary(o, reason, baseline),
      openedWindowStart: o.windowStart,
      openedWindowEnd: o.windowEnd,
      evidence: {
        windowStart: o.windowStart,
        windowEnd: o.windowEnd,
        metric: o.metric,
        observedValue: o.value,
        threshold: o.threshold,
        ...(baseline ? { baseline } : {}),
        samples: o.samples,
      },
      badWindows: 1,
      lastBadWindowEnd: o.windowEnd,
      worstValue: o.value,
    };
  }

  private remember(signal: SignalState, value: number): void {
    signal.history.push(value);
    if (signal.history.length > this.options.baselineWindows) signal.history.shift();
  }

  /**
   * A rule that has failed on nothing for a whole baseline is forgotten, so the rules tracked per
   * pipeline are those failing recently, not every rule that ever failed once.
   */
  private forgetIfQuiet(state: PipelineState, name: string, signal: SignalState): void {
    if (!name.startsWith(RULE_PREFIX) || signal.open || signal.pending) return;
    if (signal.history.length >= this.options.baselineWindows && signal.history.every((v) => v === 0)) state.signals.delete(name);
  }
}

/** The issue after one more bad window. */
function worsen(issue: QualityIssue, o: SignalObservation): QualityIssue {
  return {
    ...issue,
    badWindows: issue.badWindows + 1,
    lastBadWindowEnd: o.windowEnd,
    worstValue: o.worse === 'lower' ? Math.min(issue.worstValue, o.value) : Math.max(issue.worstValue, o.value),
  };
}
