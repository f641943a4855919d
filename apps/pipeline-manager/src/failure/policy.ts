import type { FailurePolicyOptions } from '../options.js';

/** A stage of a run whose error rate over the window passed the threshold. */
export interface FailureVerdict {
  readonly runId: string;
  readonly stage: string;
  readonly recordsIn: number;
  readonly recordsErrored: number;
  readonly rate: number;
}

interface Window {
  deltas: { in: number; errored: number }[];
  in: number;
  errored: number;
}

/**
 * Sliding error-rate windows per run and stage, fed with the count deltas of RunProgress and
 * StagingBatchCompleted. Pure bookkeeping: whoever holds it decides when a verdict is published.
 * A window keeps the newest deltas that cover about `windowRecords` records of the stage, so an old
 * burst of errors ages out and a new one is seen quickly.
 */
export class ErrorRateWindows {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly options: FailurePolicyOptions) {}

  /** Adds one delta; returns a verdict when the stage's window now fails the policy. */
  observe(runId: string, stage: string, delta: { in: number; errored: number }): FailureVerdict | undefined {
    if (delta.in <= 0 && delta.errored <= 0) return undefined;
    const key = `${runId}\u0000${stage}`;
    let w = this.windows.get(key);
    if (!w) {
      w = { deltas: [], in: 0, errored: 0 };
      this.windows.set(key, w);
    }
    w.deltas.push({ in: delta.in, errored: delta.errored });
    w.in += delta.in;
    w.errored += delta.errored;
    // Drop the oldest delta while the rest still cover the window.
    while (w.deltas.length > 1 && w.in - w.deltas[0]!.in >= this.options.windowRecords) {
      const old = w.deltas.shift()!;
      w.in -= old.in;
      w.errored -= old.errored;
    }
    if (w.in < this.options.minRecords) return undefined;
    const rate = w.errored / w.in;
    return rate > this.options.errorRate ? { runId, stage, recordsIn: w.in, recordsErrored: w.errored, rate } : undefined;
  }

  /** Forgets a run that ended. */
  forget(runId: string): void {
    for (const key of this.windows.keys()) if (key.startsWith(`${runId}\u0000`)) this.windows.delete(key);
  }
}

/** The RunFailed reason, with the figures that decided it. */
export function failureReason(v: FailureVerdict, options: FailurePolicyOptions): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return `stage ${v.stage} errored ${v.recordsErrored} of its last ${v.recordsIn} records (${pct(v.rate)}), above the ${pct(options.errorRate)} threshold`;
}
