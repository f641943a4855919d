import { compilePipeline, type DataRecord, type PipelineDefinition } from '@tributary/pipelines';
import type { StageCounts } from '@tributary/schemas';
import { compileRecordValidator } from '@tributary/staging';

export interface PreviewError {
  /** Position of the record in the request. */
  index: number;
  /** `staging` (the record does not fit the input schema) or the id of the stage that failed it. */
  stage: string;
  errors: { field: string | null; code: string; message: string }[];
}

export interface PreviewResult {
  output: DataRecord[];
  errors: PreviewError[];
  /** `staging` first, then each stage in pipeline order (the shape of RunProgress stages). */
  counts: StageCounts[];
}

/**
 * What a pipeline would make of `records`, computed in place: the records are coerced as staging
 * would (JSON rules), then run through a freshly compiled pipeline (its own dedupe state), so a
 * preview never touches a running pipeline's state.
 */
export function previewRecords(definition: PipelineDefinition, records: readonly unknown[]): PreviewResult {
  const validate = compileRecordValidator(definition.input.schema, { source: 'json' });
  const pipeline = compilePipeline(definition);
  const errors: PreviewError[] = [];
  const staged: DataRecord[] = [];
  const stagedIndex: number[] = [];
  records.forEach((raw, index) => {
    const result = validate(raw);
    if (result.ok) {
      staged.push(result.record);
      stagedIndex.push(index);
    } else {
      errors.push({
        index,
        stage: 'staging',
        errors: result.errors.map((e) => ({ field: e.field === '$' ? null : e.field, code: e.code, message: e.message })),
      });
    }
  });
  const batch = pipeline.applyBatch(staged);
  for (const e of batch.errors) {
    errors.push({ index: stagedIndex[e.index] ?? e.index, stage: e.stage, errors: [{ field: null, code: 'TRIB_STAGE_FAILED', message: e.message }] });
  }
  errors.sort((a, b) => a.index - b.index);
  const stagingCounts: StageCounts = {
    stage: 'staging',
    recordsIn: records.length,
    recordsOut: staged.length,
    recordsErrored: records.length - staged.length,
  };
  return {
    output: batch.outputs,
    errors,
    counts: [stagingCounts, ...batch.counts.map((c) => ({ stage: c.stage, recordsIn: c.in, recordsOut: c.out, recordsErrored: c.error }))],
  };
}
