import { compilePipeline, type DataRecord, type PipelineDefinition } from '@tributary/pipelines';
import { pipelineRuleSet, type RuleFailure } from '@tributary/quality-rules';
import type { StageCounts } from '@tributary/schemas';
import { compileRecordValidator } from '@tributary/staging';

export interface PreviewError {
  /** Position of the record in the request. */
  index: number;
  /** `staging` (the record does not fit the input schema) or the id of the stage that failed it. */
  stage: string;
  errors: { field: string | null; code: string; message: string }[];
}

/** What the quality manager would make of the output records (a dry run of the definition's rules). */
export interface PreviewQuality {
  /** Outputs that would reach `.validated` (warned ones included). */
  validated: number;
  /** Outputs that passed, but with `warn` failures. */
  warned: number;
  /** Outputs that would go to `.quarantine`. */
  quarantined: number;
  /** One per output that failed a rule: its position in `output` and every failure. */
  verdicts: { output: number; quarantine: boolean; failures: readonly RuleFailure[] }[];
}

export interface PreviewResult {
  output: DataRecord[];
  errors: PreviewError[];
  /** `staging` first, then each stage in pipeline order (the shape of RunProgress stages). */
  counts: StageCounts[];
  /** Present when the definition declares quality rules. */
  quality?: PreviewQuality;
}

/**
 * What a pipeline would make of `records`, computed in place: the records are coerced as staging
 * would (JSON rules), then run through a freshly compiled pipeline (its own dedupe state), so a
 * preview never touches a running pipeline's state. The outputs are then judged by the definition's
 * quality rules, as the quality manager would judge them now (throws DefinitionError for invalid rules).
 */
export function previewRecords(definition: PipelineDefinition, records: readonly unknown[], now = Date.now()): PreviewResult {
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
  const quality = judge(definition, batch.outputs, now);
  return {
    output: batch.outputs,
    errors,
    counts: [stagingCounts, ...batch.counts.map((c) => ({ stage: c.stage, recordsIn: c.in, recordsOut: c.out, recordsErrored: c.error }))],
    ...(quality ? { quality } : {}),
  };
}

function judge(definition: PipelineDefinition, outputs: readonly DataRecord[], now: number): PreviewQuality | undefined {
  const rules = pipelineRuleSet(definition);
  if (!rules) return undefined;
  // A fresh evaluator: `unique` sees only these records, never a running pipeline's keys.
  const evaluator = rules.createEvaluator();
  const quality: PreviewQuality = { validated: 0, warned: 0, quarantined: 0, verdicts: [] };
  outputs.forEach((record, output) => {
    const verdict = evaluator.evaluate(record, { now });
    if (verdict.quarantine) quality.quarantined += 1;
    else {
      quality.validated += 1;
      if (verdict.failures.length > 0) quality.warned += 1;
    }
    if (verdict.failures.length > 0) quality.verdicts.push({ output, quarantine: verdict.quarantine, failures: verdict.failures });
  });
  return quality;
}
