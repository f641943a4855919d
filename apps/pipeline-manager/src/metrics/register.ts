import { Counter, type Registry } from '@tributary/observability';
import type { PipelinesState } from '@tributary/pipeline-state';
import { pipelineRecordMetricNames, pipelineRecordSeries } from './records.js';

export interface PipelineRecordMetrics {
  /** Removes the series from the registry. Safe to call twice. */
  close(): void;
}

/**
 * Registers the pipeline record series in `registry`, computed from `state()` each time the registry
 * is read (a Prometheus scrape, a metric snapshot): nothing is counted on the path of the events,
 * and a read costs one pass over the pipelines' stages. `state()` answers undefined while the run
 * state is still being rebuilt; there are no series then.
 *
 * Counters, not gauges, although they are set rather than incremented (the Go client's CounterFunc):
 * each is a total that only grows — the sum of the committed StagingBatchCompleted and RunProgress
 * deltas, exact because those are published in the transaction that commits their records — and
 * what one reads from it is its rate. `rate()` and the monitoring manager's baselines (counters on
 * their rate, gauges on their level, where an ever-growing total would be a level shift without
 * end) both read a counter right. Unlike a process's own counter, a restart does not reset it: the
 * totals are rebuilt by replaying the events, and hiding the series until the replay caught up means
 * nobody sees a half-rebuilt total as a drop (a restarted instance's first sample only sets the
 * monitoring manager's cursor). A total goes down only when the history does — a pipeline deleted
 * (its series go) and created again under its id, events past the topics' retention at a restart —
 * and readers take that as a counter reset. Every instance of the manager replays the whole history,
 * so each exposes the same totals: aggregate instances with `max`, not `sum`.
 */
export function registerPipelineRecordMetrics(registry: Registry, state: () => PipelinesState | undefined): PipelineRecordMetrics {
  const stageRecords = new Counter({
    name: pipelineRecordMetricNames.stageRecords,
    help: 'Records into (in), out of (out) and errored in (errored) each stage of a pipeline, staging first, over all its runs, replays included; rebuilt from the pipeline and staging events.',
    labelNames: ['pipeline', 'stage', 'outcome'],
    registers: [],
    collect() {
      stageRecords.reset();
      const current = state();
      if (current) for (const s of pipelineRecordSeries(current).stages) stageRecords.inc(s.labels, s.value);
    },
  });
  const rejected = new Counter({
    name: pipelineRecordMetricNames.rejected,
    help: 'Records of a pipeline that staging rejected (unparseable or schema-invalid input, to .rejected); rebuilt from the staging events.',
    labelNames: ['pipeline'],
    registers: [],
    collect() {
      rejected.reset();
      const current = state();
      if (current) for (const s of pipelineRecordSeries(current).rejected) rejected.inc(s.labels, s.value);
    },
  });
  registry.registerMetric(stageRecords);
  try {
    registry.registerMetric(rejected);
  } catch (err) {
    registry.removeSingleMetric(pipelineRecordMetricNames.stageRecords);
    throw err;
  }
  let closed = false;
  return {
    close() {
      if (closed) return;
      closed = true;
      registry.removeSingleMetric(pipelineRecordMetricNames.stageRecords);
      registry.removeSingleMetric(pipelineRecordMetricNames.rejected);
    },
  };
}
