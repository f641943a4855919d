import type { CountTotals, StageCount } from './types.js';

/** The stage staging counts go to; it always comes first. */
export const STAGING_STAGE = 'staging';

export const zeroTotals: CountTotals = Object.freeze({ recordsIn: 0, recordsOut: 0, recordsErrored: 0 });

/** One stage's delta, as RunProgress and StagingBatchCompleted carry them. */
export interface StageDelta {
  readonly stage: string;
  readonly in: number;
  readonly out: number;
  readonly errored: number;
}

/**
 * Stage names of a definition (JSON text) in pipeline order, `staging` first. A stage without an id is
 * named `<type>-<index>`, as @tributary/pipelines names it in counts and errors.
 */
export function stageOrderOf(definition: string | null): string[] {
  if (definition === null) return [STAGING_STAGE];
  try {
    const parsed = JSON.parse(definition) as { stages?: unknown };
    const stages = Array.isArray(parsed.stages) ? (parsed.stages as unknown[]) : [];
    const ids = stages.map((s, i) => {
      const stage = (s ?? {}) as { id?: unknown; type?: unknown };
      return typeof stage.id === 'string' ? stage.id : `${String(stage.type)}-${i}`;
    });
    return [STAGING_STAGE, ...ids.filter((id) => id !== STAGING_STAGE)];
  } catch {
    // A definition the reducer cannot read only loses its stage order; counts still add up.
    return [STAGING_STAGE];
  }
}

/** Zero counts for every stage of `order`. */
export function emptyStages(order: readonly string[]): StageCount[] {
  return order.map((stage) => ({ stage, in: 0, out: 0, errored: 0 }));
}

/** Adds deltas to counts; stages not in `counts` yet are appended in the order they are reported. */
export function addDeltas(counts: readonly StageCount[], deltas: readonly StageDelta[]): StageCount[] {
  const next = counts.map((c) => ({ ...c }));
  for (const d of deltas) {
    const found = next.find((c) => c.stage === d.stage);
    if (found) {
      found.in += d.in;
      found.out += d.out;
      found.errored += d.errored;
    } else {
      next.push({ stage: d.stage, in: d.in, out: d.out, errored: d.errored });
    }
  }
  return next;
}

/** Records into the first stage, out of the last reported one, and errored anywhere. */
export function totalsOf(counts: readonly StageCount[]): CountTotals {
  const reported = counts.filter((c) => c.in > 0 || c.out > 0 || c.errored > 0);
  if (reported.length === 0) return zeroTotals;
  return {
    recordsIn: reported[0]!.in,
    recordsOut: reported[reported.length - 1]!.out,
    recordsErrored: reported.reduce((sum, c) => sum + c.errored, 0),
  };
}
