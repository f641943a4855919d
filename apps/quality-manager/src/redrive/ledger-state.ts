import type { QuarantineRedriveCompleted, QuarantineRedriveProgressed, QuarantineRedriveStarted } from '@tributary/schemas';
import { RedriveEventNames } from './names.js';
import { type OffsetRange, type Redrive, redriveKey } from './types.js';

/**
 * The redrives of every pipeline, folded from `<prefix>.quality.events` in topic order (events are
 * keyed by pipeline id, so one pipeline's are in one partition, in order). Pure: the follower feeds it.
 *
 * A second Started for a known redrive id (a command handled twice by two instances in a rebalance)
 * and a second Completed are ignored: the first wins.
 */
export class RedriveLedgerState {
  private readonly redrives = new Map<string, Redrive>();
  /** Per pipeline and partition, the highest end offset of its redrives: where the next one starts. */
  private readonly ends = new Map<string, Map<number, number>>();

  /** Applies one event; returns true when it changed what runs (a redrive started or completed). */
  apply(type: string, value: unknown): boolean {
    switch (type) {
      case RedriveEventNames.started:
        return this.started(value as QuarantineRedriveStarted);
      case RedriveEventNames.progressed: {
        const v = value as QuarantineRedriveProgressed;
        const redrive = this.redrives.get(redriveKey(v.pipelineId, v.redriveId));
        if (redrive) {
          redrive.validated += v.validated;
          redrive.requarantined += v.requarantined;
        }
        return false;
      }
      case RedriveEventNames.completed: {
        const v = value as QuarantineRedriveCompleted;
        const redrive = this.redrives.get(redriveKey(v.pipelineId, v.redriveId));
        if (!redrive || redrive.completedAt !== undefined) return false;
        redrive.completedAt = v.completedAt;
        return true;
      }
      default:
        return false;
    }
  }

  get(pipelineId: string, redriveId: string): Redrive | undefined {
    return this.redrives.get(redriveKey(pipelineId, redriveId));
  }

  /** Started and not completed, in the order they started. */
  active(): Redrive[] {
    return [...this.redrives.values()].filter((r) => r.completedAt === undefined);
  }

  all(): Redrive[] {
    return [...this.redrives.values()];
  }

  /** Per partition, where the pipeline's redrives so far ended (absent: never redriven). */
  endOffsets(pipelineId: string): ReadonlyMap<number, number> {
    return this.ends.get(pipelineId) ?? new Map();
  }

  private started(v: QuarantineRedriveStarted): boolean {
    const key = redriveKey(v.pipelineId, v.redriveId);
    if (this.redrives.has(key)) return false;
    let ends = this.ends.get(v.pipelineId);
    if (!ends) {
      ends = new Map();
      this.ends.set(v.pipelineId, ends);
    }
    const ranges: OffsetRange[] = [];
    for (const r of v.ranges) {
      const startOffset = Math.max(r.startOffset, ends.get(r.partition) ?? 0);
      const endOffset = Math.max(r.endOffset, startOffset);
      ranges.push({ partition: r.partition, startOffset, endOffset });
      ends.set(r.partition, Math.max(ends.get(r.partition) ?? 0, endOffset));
    }
    this.redrives.set(key, {
      pipelineId: v.pipelineId,
      redriveId: v.redriveId,
      pipelineVersion: v.pipelineVersion,
      ranges,
      requestedBy: v.requestedBy,
      startedAt: v.startedAt,
      validated: 0,
      requarantined: 0,
      completedAt: undefined,
    });
    return true;
  }
}
