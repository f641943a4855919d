import {
  evaluateExpectations,
  expectationWindowSizes,
  type IssueTransition,
  QualityIssueDetector,
  type QualityWindowDelta,
  type QualityWindowMetrics,
  QualityWindowReducer,
} from '@tributary/quality-metrics';
import type { ExpectationResult as ExpectationEvent, QualityIssueOpened, QualityIssueResolved, QualityWindowClosed } from '@tributary/schemas';
import { DeltaAligner } from './aligner.js';
import type { WindowPlan } from './plan.js';

/** What closing one window produced: the events to publish, issue events first. */
export interface ClosedWindowEvents {
  readonly issues: readonly ({ type: 'opened'; value: QualityIssueOpened } | { type: 'resolved'; value: QualityIssueResolved })[];
  readonly closed: QualityWindowClosed;
}

export interface PipelineWindowsOptions {
  /** How far deltas must move past a window before it closes (the reducer's allowedLateness). */
  readonly allowedLateness: string;
  /** A partition silent this long (ms) no longer holds windows open; quiet windows close after it too. */
  readonly idleMs: number;
}

/**
 * One pipeline's windows: its reducer (deltas of every partition merged per window), its issue
 * detector and its window expectations. Pure: the tracker feeds it and publishes what it returns.
 */
export class PipelineWindows {
  readonly #reducer: QualityWindowReducer;
  readonly #aligner: DeltaAligner;
  #detector: QualityIssueDetector;

  constructor(
    readonly pipelineId: string,
    readonly version: number,
    private readonly plan: WindowPlan,
    options: PipelineWindowsOptions,
  ) {
    this.#reducer = new QualityWindowReducer({
      pipelineId,
      windowSizes: [plan.windowSize, ...expectationWindowSizes(plan.expectations).map((ms) => `${ms}ms`)],
      allowedLateness: options.allowedLateness,
      idleTimeout: `${options.idleMs}ms`,
      ...plan.limits,
    });
    this.#aligner = new DeltaAligner(options.idleMs);
    this.#detector = new QualityIssueDetector({ windowSize: plan.windowSize });
  }

  /**
   * Resumes after the last window a previous run published: its deltas count for nothing and the
   * detector continues from the state published with it.
   */
  resume(last: QualityWindowClosed): void {
    this.#reducer.markClosed({ pipelineId: this.pipelineId, windowStart: last.windowStart, windowEnd: last.windowEnd });
    this.#detector = QualityIssueDetector.restore(JSON.parse(last.detectorState), { windowSize: this.plan.windowSize });
  }

  /** Ids of the issues the detector holds open. */
  openIssueIds(): string[] {
    return this.#detector.openIssues(this.pipelineId).map((i) => i.id);
  }

  /** A person resolved the issue: the detector stops tracking it (see QualityIssueDetector.retire). */
  retire(issueId: string): boolean {
    return this.#detector.retire(this.pipelineId, issueId);
  }

  /** `arrivedAt`: the delta message's Kafka timestamp (also when replaying); `now`: the wall clock. */
  add(partition: number, delta: QualityWindowDelta, arrivedAt: number, now: number): ClosedWindowEvents[] {
    return this.#feed(this.#aligner.push(partition, delta, arrivedAt, now), now);
  }

  /** Lets idle partitions go, and closes windows nothing updated for a while (a pipeline gone quiet). */
  flush(now: number): ClosedWindowEvents[] {
    const released = this.#feed(this.#aligner.release(now), now);
    // Held deltas mean a partition is still working through these windows: not quiet yet.
    if (this.#aligner.held > 0) return released;
    return [...released, ...this.#reducer.flush(now).map((w) => this.#close(w, now))];
  }

  #feed(deltas: readonly { delta: QualityWindowDelta; at: number }[], now: number): ClosedWindowEvents[] {
    return deltas.flatMap(({ delta, at }) => this.#reducer.add(delta, at)).map((w) => this.#close(w, now));
  }

  #close(window: QualityWindowMetrics, now: number): ClosedWindowEvents {
    const results = evaluateExpectations(window, this.plan.expectations);
    const transitions = this.#detector.observe(window, results);
    const expectations: ExpectationEvent[] = results.map((r) => ({
      expectationId: r.expectationId,
      type: r.type,
      observedValue: r.observedValue ?? null,
      success: r.success,
    }));
    return {
      issues: transitions.map((t) => issueEvent(t, now)),
      closed: {
        pipelineId: this.pipelineId,
        windowStart: window.windowStart,
        windowEnd: window.windowEnd,
        records: window.counts.records,
        quarantined: window.counts.quarantined,
        score: window.score,
        completeness: window.completeness,
        validity: window.validity,
        metrics: JSON.stringify(window),
        expectations,
        detectorState: JSON.stringify(this.#detector.snapshot()),
        closedAt: now,
      },
    };
  }
}

function issueEvent(t: IssueTransition, now: number): ClosedWindowEvents['issues'][number] {
  const { issue } = t;
  if (t.kind === 'opened') {
    const { evidence } = issue;
    return {
      type: 'opened',
      value: {
        issueId: issue.id,
        pipelineId: issue.pipelineId,
        signal: issue.signal,
        ruleId: issue.ruleId ?? issue.expectationId ?? null,
        reason: issue.reason,
        severity: issue.severity,
        summary: issue.summary,
        metric: evidence.metric,
        observedValue: evidence.observedValue,
        thresholdMin: evidence.threshold.min ?? null,
        thresholdMax: evidence.threshold.max ?? null,
        baselineMean: evidence.baseline?.mean ?? null,
        baselineStdDev: evidence.baseline?.stdDev ?? null,
        windowStart: evidence.windowStart,
        windowEnd: evidence.windowEnd,
        sampleRecordIds: evidence.samples.map((s) => s.recordId),
        openedAt: now,
      },
    };
  }
  return {
    type: 'resolved',
    value: {
      issueId: issue.id,
      pipelineId: issue.pipelineId,
      signal: issue.signal,
      resolution: `${issue.signal} recovered (${issue.resolvedObservedValue ?? 'n/a'} in the window from ${new Date(issue.resolvedWindowStart ?? 0).toISOString()})`,
      resolvedBy: null,
      note: null,
      windowStart: issue.resolvedWindowStart ?? null,
      observedValue: issue.resolvedObservedValue ?? null,
      resolvedAt: now,
    },
  };
}
