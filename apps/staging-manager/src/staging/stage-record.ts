import type { RejectionReason } from '@tributary/schemas';
import { recordId, type StagedRecord } from '@tributary/staging';
import type { VersionPlan } from './version-plan.js';

/** Header names on `.raw` and `.staged` (docs/pipeline-flow.md). */
export const DataHeaders = {
  recordId: 'record-id',
  batchId: 'batch-id',
  contentType: 'content-type',
  pipelineVersion: 'pipeline-version',
  runId: 'run-id',
} as const;

/** The code of a `.raw` value that is not a JSON document (or not UTF-8). */
export const MALFORMED_CODE = 'TRIB_RECORD_MALFORMED';

/** One `.raw` message as staging sees it. */
export interface RawInput {
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export type StagingOutcome =
  | {
      readonly kind: 'staged';
      readonly recordId: string;
      readonly batchId: string | undefined;
      readonly record: StagedRecord;
      /** Set when the pipeline dedupes: the id of the record's key (same key, same id). */
      readonly dedupeKey: string | undefined;
    }
  | {
      readonly kind: 'rejected';
      readonly recordId: string;
      readonly batchId: string | undefined;
      readonly errors: RejectionReason[];
    };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses and validates one raw record against a pipeline version: pure, so it is tested without
 * Kafka. The ingest `record-id` header is the record's id; a record that arrived without one gets a
 * deterministic id from where it lies (so a redelivery or replay gives the same id).
 */
export function stageRawRecord(input: RawInput, plan: VersionPlan): StagingOutcome {
  const batchId = input.headers[DataHeaders.batchId] || undefined;
  // No closure here: this runs per record, and each function created costs (tsx names it).
  const id =
    input.headers[DataHeaders.recordId] ||
    recordId({ offset: input.offset }, { batchId: batchId ?? `${input.topic}/${input.partition}`, index: Number(input.offset) });

  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(input.value));
  } catch (err) {
    const message = `not a JSON document: ${err instanceof Error ? err.message : String(err)}`;
    return { kind: 'rejected', recordId: id, batchId, errors: [{ field: null, code: MALFORMED_CODE, message }] };
  }

  const validate = sourceFormat(input.headers[DataHeaders.contentType]) === 'csv' ? plan.validators.csv : plan.validators.json;
  const result = validate(parsed);
  if (!result.ok) {
    const errors = result.errors.map((e) => ({ field: e.field === '$' ? null : e.field, code: e.code, message: e.message }));
    return { kind: 'rejected', recordId: id, batchId, errors };
  }
  const dedupeKey = plan.dedupe
    ? recordId(result.record, { keyFields: plan.dedupe.keyFields, batchId: batchId ?? 'dedupe', index: 0 })
    : undefined;
  return { kind: 'staged', recordId: id, batchId, record: result.record, dedupeKey };
}

/**
 * Which coercion rules apply: records ingested as CSV hold only strings, so they get CSV's text
 * forms; everything else is strict JSON. The CPM stores every record as JSON text; its
 * `content-type` is `application/json; source=csv` when the record was sent as CSV.
 */
export function sourceFormat(contentType: string | undefined): 'json' | 'csv' {
  return contentType !== undefined && /\bcsv\b/i.test(contentType) ? 'csv' : 'json';
}

/** The record as received, for RecordRejected: UTF-8 text cut at `maxBytes` (never inside a character). */
export function rejectedRecordText(value: Buffer, maxBytes: number): string {
  if (value.length <= maxBytes) return value.toString('utf8');
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) so the cut falls on a character boundary.
  while (end > 0 && ((value[end] ?? 0) & 0xc0) === 0x80) end--;
  return value.subarray(0, end).toString('utf8');
}
