import type { AnomalyTransition } from '@tributary/monitoring-baselines';
import type { MetricAnomalyDetected, MetricAnomalyResolved } from '@tributary/schemas';
import { MonitoringEventNames } from './names.js';

/** An anomaly transition as the event published about it. Pure. */
export function anomalyEvent(t: AnomalyTransition): { type: string; value: MetricAnomalyDetected | MetricAnomalyResolved; eventId: string } {
  const a = t.anomaly;
  if (t.kind === 'opened') {
    const e = a.evidence;
    return {
      type: MonitoringEventNames.anomalyDetected,
      eventId: `anomaly-detected:${a.id}`,
      value: {
        anomalyId: a.id,
        kind: a.kind,
        seriesKey: a.seriesKey,
        service: a.service,
        metric: a.metric,
        labels: { ...a.labels },
        measure: a.measure,
        direction: a.direction,
        summary: a.summary,
        value: e.value,
        zScore: e.zScore,
        baselineMean: e.baseline.mean,
        baselineStdDev: e.baseline.stdDev,
        baselineSource: e.baseline.source,
        windowStart: e.windowStart,
        windowEnd: e.windowEnd,
        evidence: JSON.stringify(e),
        detectedAt: a.detectedAt,
      },
    };
  }
  return {
    type: MonitoringEventNames.anomalyResolved,
    eventId: `anomaly-resolved:${a.id}`,
    value: {
      anomalyId: a.id,
      seriesKey: a.seriesKey,
      service: a.service,
      metric: a.metric,
      labels: { ...a.labels },
      resolution: a.resolution ?? 'recovered',
      value: a.resolvedValue ?? null,
      worstValue: a.worstValue,
      badPoints: a.badPoints,
      resolvedAt: a.resolvedAt ?? a.lastBadAt,
    },
  };
}
