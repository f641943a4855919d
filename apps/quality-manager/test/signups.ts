import { type PipelineDefinition, validateDefinition } from '@tributary/pipelines';

/** Signups of the windows and issues tests: one window per minute, PER_WINDOW records each. */
export const MINUTE = 60_000;
export const WINDOWS = 28;
export const PER_WINDOW = 100;

export function signupsDefinition(id: string): PipelineDefinition {
  return validateDefinition({
    id,
    name: `Signups ${id}`,
    input: {
      schema: [
        { name: 'id', type: 'string' },
        { name: 'amount', type: 'double' },
        { name: 'email', type: 'string', nullable: true },
      ],
    },
    key: ['id'],
    stages: [],
    quality: {
      rules: [
        { id: 'amount-range', type: 'in_range', field: 'amount', min: 0, max: 1000 },
        { id: 'email-format', type: 'regex', field: 'email', pattern: '^[^@]+@[^@]+$', severity: 'warn' },
      ],
    },
  });
}

/**
 * Record `j` of window `w`: 2% out of range (quarantined), 4% without email, and bad emails at 1%
 * except in windows 20 to `dropUntil` (default 22), where 30% are bad (the quality drop).
 */
export function signup(w: number, j: number, dropUntil = 22): { id: string; amount: number; email: string | null } {
  const badEmail = w >= 20 && w <= dropUntil ? j % 10 < 3 : j % 100 === 0;
  return {
    id: `s${w}-${j}`,
    amount: j % 50 === 7 ? -1 : 10 + j,
    email: j % 25 === 3 ? null : badEmail ? 'nobody' : `u${j}@example.org`,
  };
}

/** Windows `from` (inclusive) to `to` (exclusive) of signups, windows starting at `t0`. */
export function signupBatch(t0: number, from: number, to: number, dropUntil?: number) {
  return Array.from({ length: (to - from) * PER_WINDOW }, (_, i) => {
    const w = from + Math.floor(i / PER_WINDOW);
    const j = i % PER_WINDOW;
    return { recordId: `s${w}-${j}`, value: signup(w, j, dropUntil), timestamp: t0 + w * MINUTE + j * 500 };
  });
}

/** A window start an hour back: arrival times in the past (the topics keep producer timestamps). */
export const hourAgo = () => Math.floor((Date.now() - 60 * MINUTE) / MINUTE) * MINUTE;
