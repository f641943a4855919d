import type { StagingBatchCompleted } from '@tributary/schemas';
import { createProfiler, type FieldProfiler, type FieldSpec, type StagedRecord } from '@tributary/staging';

/**
 * Counts and profile of what one partition staged since its last commit: the body of one
 * StagingBatchCompleted. Duplicates dropped by dedupe are in `recordsIn` only, so
 * recordsIn = recordsStaged + recordsRejected + duplicates.
 */
export class BatchAggregate {
  recordsIn = 0;
  recordsStaged = 0;
  recordsRejected = 0;
  duplicates = 0;
  readonly #profiler: FieldProfiler;

  constructor(
    readonly pipelineId: string,
    fields: readonly FieldSpec[],
    readonly startedAt: number,
  ) {
    // The fields of the version that staged the first record: a definition change in the middle of a
    // batch profiles the later records by those fields (others are ignored), which is rare and harmless.
    this.#profiler = createProfiler(fields);
  }

  staged(record: StagedRecord): void {
    this.recordsIn++;
    this.recordsStaged++;
    this.#profiler.add(record);
  }

  rejected(): void {
    this.recordsIn++;
    this.recordsRejected++;
  }

  duplicate(): void {
    this.recordsIn++;
    this.duplicates++;
  }

  toEvent(where: {
    runId: string | null;
    topic: string;
    partition: number;
    firstOffset: string;
    lastOffset: string;
    completedAt: number;
  }): StagingBatchCompleted {
    const { runId, topic, partition, firstOffset, lastOffset } = where;
    return {
      pipelineId: this.pipelineId,
      runId,
      // Unique per pipeline and the same on a redelivery of the same offsets: consumers dedupe on it.
      batchId: `${runId === null ? '' : `${runId}:`}${topic}:${partition}:${firstOffset}-${lastOffset}`,
      sourceTopic: topic,
      sourcePartition: partition,
      firstOffset: Number(firstOffset),
      lastOffset: Number(lastOffset),
      recordsIn: this.recordsIn,
      recordsStaged: this.recordsStaged,
      recordsRejected: this.recordsRejected,
      fields: this.#profiler.snapshot().fields,
      startedAt: this.startedAt,
      completedAt: where.completedAt,
    };
  }
}
