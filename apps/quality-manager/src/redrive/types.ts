import type { QuarantineOffsetRange } from '@tributary/schemas';

/** Offsets `startOffset` (inclusive) to `endOffset` (exclusive) of one `.quarantine` partition. */
export type OffsetRange = QuarantineOffsetRange;

/** A redrive as the ledger knows it from `<prefix>.quality.events`. */
export interface Redrive {
  readonly pipelineId: string;
  readonly redriveId: string;
  /** Definition version current at planning: a worker waits until its instance knows at least this one. */
  readonly pipelineVersion: number;
  /**
   * The ranges the worker moves: the planned ones, each raised to start where the pipeline's earlier
   * redrives ended on that partition (by the order of the events topic). The same on every instance,
   * so two plans that raced (commands of one pipeline on two instances) still never overlap.
   */
  readonly ranges: readonly OffsetRange[];
  readonly requestedBy: string;
  readonly startedAt: number;
  /** Sums of the redrive's QuarantineRedriveProgressed events read so far. */
  validated: number;
  requarantined: number;
  /** When QuarantineRedriveCompleted was read; undefined while the redrive runs. */
  completedAt: number | undefined;
}

/** Redrive key in maps: a redrive id is the requester's, unique per pipeline. */
export const redriveKey = (pipelineId: string, redriveId: string) => `${pipelineId}\u0000${redriveId}`;
