import { type PipelinesState, STAGING_STAGE } from '@tributary/pipeline-state';

/** Names of the pipeline record series on the pipeline manager's `/metrics` (docs/monitoring.md). */
export const pipelineRecordMetricNames = {
  /** Records into, out of and errored in each stage of each pipeline (`staging` first). */
  stageRecords: 'tributary_pipeline_stage_records_total',
  /** Records staging rejected (unparseable or schema-invalid input, written to `.rejected`). */
  rejected: 'tributary_pipeline_records_rejected_total',
} as const;

export type StageOutcome = 'in' | 'out' | 'errored';

export interface StageRecordSeries {
  readonly labels: { readonly pipeline: string; readonly stage: string; readonly outcome: StageOutcome };
  readonly value: number;
}

export interface RejectedRecordSeries {
  readonly labels: { readonly pipeline: string };
  readonly value: number;
}

export interface PipelineRecordSeries {
  readonly stages: StageRecordSeries[];
  readonly rejected: RejectedRecordSeries[];
}

/**
 * The record series of every pipeline in the run state: per stage (in pipeline order, `staging`
 * first) its in/out/errored totals over every run, replays included (a replay stages and processes
 * its records again), and staging's errored as the pipeline's rejected records. A stage nothing
 * reached yet is 0, so its series exists from the pipeline's creation. Labels are the pipeline and
 * stage ids only: bounded by the definitions, never by records or runs.
 */
export function pipelineRecordSeries(state: PipelinesState): PipelineRecordSeries {
  const stages: StageRecordSeries[] = [];
  const rejected: RejectedRecordSeries[] = [];
  for (const pipeline of Object.keys(state.pipelines).sort()) {
    const p = state.pipelines[pipeline]!;
    for (const s of p.stages) {
      stages.push({ labels: { pipeline, stage: s.stage, outcome: 'in' }, value: s.in });
      stages.push({ labels: { pipeline, stage: s.stage, outcome: 'out' }, value: s.out });
      stages.push({ labels: { pipeline, stage: s.stage, outcome: 'errored' }, value: s.errored });
    }
    rejected.push({ labels: { pipeline }, value: p.stages.find((s) => s.stage === STAGING_STAGE)?.errored ?? 0 });
  }
  return { stages, rejected };
}
