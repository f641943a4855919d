import { controlTopicCatalog } from '@tributary/schemas';

/** Where a processor reads and writes for one pipeline (docs/pipeline-flow.md). */
export interface PipelineTopics {
  readonly staged: string;
  readonly processed: string;
  readonly rejected: string;
  /** `<prefix>.pipeline.events`: RunProgress and ProcessorAnnounced. */
  readonly events: string;
}

export function pipelineTopics(prefix: string, pipelineId: string): PipelineTopics {
  const data = `${prefix}.data.${pipelineId}`;
  return {
    staged: `${data}.staged`,
    processed: `${data}.processed`,
    rejected: `${data}.rejected`,
    events: pipelineEventsTopic(prefix),
  };
}

export function pipelineEventsTopic(prefix: string): string {
  return controlTopicCatalog({ prefix }).events.pipeline.name;
}

/** Headers of `.staged` and `.processed` records. */
export const DataHeaders = {
  recordId: 'record-id',
  batchId: 'batch-id',
  runId: 'run-id',
  pipelineVersion: 'pipeline-version',
} as const;

/** Record types the processor writes or reads by name. */
export const EventNames = {
  recordRejected: 'tributary.staging.RecordRejected',
  runProgress: 'tributary.pipeline.RunProgress',
  processorAnnounced: 'tributary.pipeline.ProcessorAnnounced',
} as const;
