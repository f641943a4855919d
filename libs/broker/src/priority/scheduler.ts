import type { Priority, PriorityBand } from '@tributary/schemas';
import type { Admin, Consumer } from 'kafkajs';

export interface BandSchedulerOptions {
  /** Band layout per topic, from the topic catalog; unbanded topics are never held back. */
  bandsOf: (topic: string) => readonly PriorityBand[] | undefined;
  /** How often the high watermarks of banded topics are read. Default 50 ms. */
  pollIntervalMs?: number;
  /**
   * Starvation guard: the longest a lower band is held back while higher bands keep having work.
   * After that it gets `graceMs` of processing. Defaults 2,000 ms and 200 ms.
   */
  starvationMs?: number;
  graceMs?: number;
  now?: () => number;
}

export const bandSchedulerDefaults = { pollIntervalMs: 50, starvationMs: 2_000, graceMs: 200 } as const;

const RANK: Record<Priority, number> = { high: 0, normal: 1, low: 2 };

interface PartitionState {
  rank: number;
  /** Next offset this member will process (committed offset until it processes something). */
  position?: bigint;
  highWatermark?: bigint;
}

/**
 * Drains higher priority bands first. It watches the high watermarks of the banded topics this
 * member consumes; while a higher band has unprocessed records, partitions of lower bands are paused
 * (so fetches bring only urgent work) and a batch of a lower band in progress yields between
 * messages (`shouldYield`). A lower band held back for `starvationMs` gets a `graceMs` slot anyway.
 */
export class BandScheduler {
  private readonly opts: Required<Omit<BandSchedulerOptions, 'now'>> & { now: () => number };
  private readonly partitions = new Map<string, Map<number, PartitionState>>();
  private paused = new Set<string>();
  private heldSince: number | undefined;
  private graceUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly admin: Admin,
    private readonly consumer: Pick<Consumer, 'pause' | 'resume'>,
    private readonly groupId: string,
    options: BandSchedulerOptions,
  ) {
    this.opts = { ...bandSchedulerDefaults, now: Date.now, ...options };
  }

  /** Called on every (re)join with this member's partitions; reads their committed positions. */
  async onAssignment(assignment: Record<string, number[]>): Promise<void> {
    this.partitions.clear();
    this.paused.clear();
    for (const [topic, parts] of Object.entries(assignment)) {
      const bands = this.opts.bandsOf(topic);
      if (!bands?.length) continue;
      const states = new Map<number, PartitionState>();
      for (const p of parts) {
        const band = bands.find((b) => p >= b.firstPartition && p <= b.lastPartition);
        states.set(p, { rank: band ? RANK[band.priority] : RANK.normal });
      }
      this.partitions.set(topic, states);
      const committed = await this.admin.fetchOffsets({ groupId: this.groupId, topics: [topic] });
      for (const c of committed[0]?.partitions ?? []) {
        const state = states.get(c.partition);
        if (state && c.offset !== '-1') state.position = BigInt(c.offset);
      }
    }
  }

  start(): void {
    if (this.timer || this.partitions.size === 0) return;
    this.timer = setInterval(() => void this.poll(), this.opts.pollIntervalMs);
    this.timer.unref();
  }

  /** The runner reports each handled record so lag is known without asking the broker. */
  markProcessed(topic: string, partition: number, offset: string): void {
    const state = this.partitions.get(topic)?.get(partition);
    if (state) state.position = BigInt(offset) + 1n;
  }

  /** True when a batch of this partition should stop now because a higher band has work. */
  shouldYield(topic: string, partition: number): boolean {
    const state = this.partitions.get(topic)?.get(partition);
    if (!state || state.rank === 0) return false;
    if (this.opts.now() < this.graceUntil) return false;
    return this.busiestRank(topic) < state.rank;
  }

  /** Lowest rank (most urgent band) of `topic` with unprocessed records, or Infinity. */
  private busiestRank(topic: string): number {
    let best = Infinity;
    for (const s of this.partitions.get(topic)?.values() ?? []) {
      if (s.rank < best && s.highWatermark !== undefined && (s.position === undefined || s.position < s.highWatermark)) {
        best = s.rank;
      }
    }
    return best;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const [topic, states] of this.partitions) {
        for (const o of await this.admin.fetchTopicOffsets(topic)) {
          const state = states.get(o.partition);
          if (!state) continue;
          state.highWatermark = BigInt(o.high);
          // No committed offset: the group starts from the beginning (the runner's default), so
          // everything since the log start is unprocessed.
          state.position ??= BigInt(o.low);
        }
        this.applyPauses(topic, states);
      }
    } catch {
      // A failed poll keeps the last view; the consumer itself reports broker trouble.
    } finally {
      this.polling = false;
    }
  }

  private applyPauses(topic: string, states: Map<number, PartitionState>): void {
    const now = this.opts.now();
    const busiest = this.busiestRank(topic);
    let hold = [...states].filter(([, s]) => s.rank > busiest).map(([p]) => p);
    if (hold.length > 0) {
      this.heldSince ??= now;
      if (now - this.heldSince >= this.opts.starvationMs) {
        this.graceUntil = now + this.opts.graceMs;
        this.heldSince = now + this.opts.graceMs;
      }
      if (now < this.graceUntil) hold = [];
    } else {
      this.heldSince = undefined;
    }
    const holdKeys = new Set(hold.map((p) => `${topic}:${p}`));
    const toPause = hold.filter((p) => !this.paused.has(`${topic}:${p}`));
    const toResume = [...this.paused].filter((k) => k.startsWith(`${topic}:`) && !holdKeys.has(k)).map((k) => Number(k.slice(topic.length + 1)));
    if (toPause.length) this.consumer.pause([{ topic, partitions: toPause }]);
    if (toResume.length) this.consumer.resume([{ topic, partitions: toResume }]);
    for (const p of toPause) this.paused.add(`${topic}:${p}`);
    for (const p of toResume) this.paused.delete(`${topic}:${p}`);
  }

  close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return Promise.resolve();
  }
}
