import { Counter, type Registry } from '@tributary/observability';

/** Records the quality checks wrote to `.validated` or `.quarantine`, per pipeline (docs/monitoring.md). */
export const qualityRecordsMetricName = 'tributary_quality_records_total';

/** What a checked record became: `.validated` (warnings included) or `.quarantine`. */
export interface QualityRecordOutcomes {
  readonly validated: number;
  readonly quarantined: number;
}

/** The outcome counts of window deltas (QualityWindowDelta's passed, warned and quarantined). */
export function recordOutcomes(deltas: Iterable<{ readonly passed: number; readonly warned: number; readonly quarantined: number }>): QualityRecordOutcomes {
  let validated = 0;
  let quarantined = 0;
  for (const d of deltas) {
    validated += d.passed + d.warned;
    quarantined += d.quarantined;
  }
  return { validated, quarantined };
}

/** One pipeline's counters, bound once: adding costs no label lookup. */
export interface PipelineRecordCounter {
  add(outcomes: QualityRecordOutcomes): void;
}

export interface QualityRecordMetrics {
  /** The pipeline's counters (the same object for the same pipeline). */
  forPipeline(pipelineId: string): PipelineRecordCounter;
  /** Removes the series from the registry. Safe to call twice. */
  close(): void;
}

/**
 * `tributary_quality_records_total{pipeline, outcome}` in `registry`. The checker adds the counts of
 * the window deltas it publishes at each commit, not record by record. Counted just before the
 * transaction commits, so at least once: when the commit fails, the batch is checked again and
 * counted again (`.validated`/`.quarantine` and the window metrics are exactly once, this counter is
 * not). Each instance counts the records it checked since it started; sum the instances.
 */
export function createQualityRecordMetrics(registry: Registry): QualityRecordMetrics {
  const counter = new Counter({
    name: qualityRecordsMetricName,
    help:
      'Checked .processed records of a pipeline by outcome: validated (to .validated, warnings included) or quarantined (to .quarantine); ' +
      'counted at each commit, at least once (a batch whose commit fails is checked and counted again); quarantine redrives not included.',
    labelNames: ['pipeline', 'outcome'],
    registers: [registry],
  });
  const bound = new Map<string, PipelineRecordCounter>();
  let closed = false;
  return {
    forPipeline(pipelineId) {
      let counters = bound.get(pipelineId);
      if (!counters) {
        const validated = counter.labels({ pipeline: pipelineId, outcome: 'validated' });
        const quarantined = counter.labels({ pipeline: pipelineId, outcome: 'quarantined' });
        // Both series from the first check on, so a pipeline with no quarantine shows 0, not nothing.
        validated.inc(0);
        quarantined.inc(0);
        counters = {
          add(outcomes) {
            if (outcomes.validated > 0) validated.inc(outcomes.validated);
            if (outcomes.quarantined > 0) quarantined.inc(outcomes.quarantined);
          },
        };
        bound.set(pipelineId, counters);
      }
      return counters;
    },
    close() {
      if (closed) return;
      closed = true;
      registry.removeSingleMetric(qualityRecordsMetricName);
    },
  };
}
