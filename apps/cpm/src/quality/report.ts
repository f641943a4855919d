import type { QualityIssueEntry, QualityWindowEntry } from '@tributary/pipeline-state';
import type { QualityIssue, QualityWindowMetrics } from '@tributary/quality-metrics';

/** The metrics a closed window was published with (the tracker's `QualityWindowMetrics`). */
export function windowMetrics(w: QualityWindowEntry): QualityWindowMetrics | undefined {
  return w.metrics !== null && typeof w.metrics === 'object' ? (w.metrics as QualityWindowMetrics) : undefined;
}

/** An issue of the read model in the shape @tributary/quality-metrics' reports take. */
export function toQualityIssue(i: QualityIssueEntry): QualityIssue {
  const [kind, ...rest] = i.signal.split(':');
  const id = rest.join(':');
  const windowMs = i.windowEnd - i.windowStart;
  return {
    id: i.issueId,
    pipelineId: i.pipelineId,
    signal: i.signal,
    kind: kind === 'rule' || kind === 'expectation' ? kind : 'score',
    ...(kind === 'rule' ? { ruleId: id } : {}),
    ...(kind === 'expectation' ? { expectationId: id } : {}),
    reason: i.reason === 'anomaly' ? 'anomaly' : 'threshold',
    severity: i.severity,
    status: i.status,
    summary: i.summary,
    openedWindowStart: i.windowStart,
    openedWindowEnd: i.windowEnd,
    evidence: {
      windowStart: i.windowStart,
      windowEnd: i.windowEnd,
      metric: i.metric,
      observedValue: i.observedValue,
      threshold: { ...(i.threshold.min === null ? {} : { min: i.threshold.min }), ...(i.threshold.max === null ? {} : { max: i.threshold.max }) },
      ...(i.baseline ? { baseline: { mean: i.baseline.mean, stdDev: i.baseline.stdDev ?? 0, windows: 0 } } : {}),
      samples: i.sampleRecordIds.map((recordId) => ({ ruleId: id, recordId })),
    },
    badWindows: 1,
    lastBadWindowEnd: i.windowEnd,
    worstValue: i.observedValue,
    ...(i.resolution?.windowStart != null
      ? { resolvedWindowStart: i.resolution.windowStart, resolvedWindowEnd: i.resolution.windowStart + windowMs }
      : {}),
  };
}
