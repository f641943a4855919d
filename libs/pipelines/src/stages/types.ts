import type { PathSegment } from '../definition/issues.js';
import type { FieldMap } from '../field-map.js';
import type { DataRecord } from '../types.js';

export interface RunContext {
  /** Arrival time of the record, epoch ms. */
  readonly now: number;
}

/**
 * Runs one stage on one record. It may change the record in place (the pipeline hands it a private
 * copy) and returns it, or returns null to drop it. A per-record failure is thrown as RecordFailure.
 */
export type StageRunner = (record: DataRecord, ctx: RunContext) => DataRecord | null;

/** Where a planner reports what is wrong with its stage; `at` is relative to the stage. */
export type ReportIssue = (at: readonly PathSegment[], message: string) => void;

export interface StagePlan {
  /** Fields of the records the stage emits (best effort when the stage has issues, so later stages are still checked). */
  readonly fields: FieldMap;
  /** A fresh runner with its own state (dedupe); only called for definitions without issues. */
  readonly createRunner: () => StageRunner;
}
