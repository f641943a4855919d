import type { QualityWindowDelta } from '@tributary/quality-metrics';

export interface AlignedDelta {
  readonly delta: QualityWindowDelta;
  /** The delta message's Kafka timestamp. */
  readonly at: number;
}

/**
 * Holds a pipeline's deltas back until every partition that is still sending has moved past their
 * window, then releases them in window order: a per-partition watermark. The partitions of
 * `.processed` are checked at their own pace — far apart when a backlog or a replay is worked off —
 * and a window closed on the fastest partition's progress would miss the slower ones' records.
 * A partition that has sent nothing for `idleMs` (wall clock) stops holding the others back; and
 * for `idleMs` after the first delta nothing is released, since partitions not heard from yet may
 * still be working through the same windows.
 */
export class DeltaAligner {
  readonly #held: (AlignedDelta & { partition: number })[] = [];
  /** Per partition: the newest window start it sent, and when (wall clock). */
  readonly #partitions = new Map<number, { newest: number; seenAt: number }>();
  #firstAt: number | undefined;

  constructor(private readonly idleMs: number) {}

  get held(): number {
    return this.#held.length;
  }

  push(partition: number, delta: QualityWindowDelta, at: number, now: number): AlignedDelta[] {
    this.#firstAt ??= now;
    const known = this.#partitions.get(partition);
    this.#partitions.set(partition, { newest: Math.max(known?.newest ?? delta.windowStart, delta.windowStart), seenAt: now });
    this.#held.push({ partition, delta, at });
    return this.release(now);
  }

  /** Releases what every active partition has moved past (everything when none is active). */
  release(now: number): AlignedDelta[] {
    if (this.#firstAt === undefined || now - this.#firstAt <= this.idleMs) return [];
    let watermark = Number.POSITIVE_INFINITY;
    for (const [partition, p] of this.#partitions) {
      if (now - p.seenAt > this.idleMs) this.#partitions.delete(partition);
      else watermark = Math.min(watermark, p.newest);
    }
    const out: AlignedDelta[] = [];
    const keep: (AlignedDelta & { partition: number })[] = [];
    for (const h of this.#held) (h.delta.windowStart < watermark ? out : keep).push(h);
    if (out.length === 0) return out;
    this.#held.splice(0, this.#held.length, ...keep);
    // Window order across partitions; a stable sort keeps each partition's own order.
    return out.sort((a, b) => a.delta.windowStart - b.delta.windowStart).map(({ delta, at }) => ({ delta, at }));
  }
}
