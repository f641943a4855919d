import { z } from 'zod';
import { QualityManagerConfigError } from '../errors.js';

/** Behaviour of quarantine redrives. Defaults live in {@link redriveDefaults}. */
export interface RedriveOptions {
  /** How often a running redrive checks whether its group's committed offsets reached every range's end. Default 1 s. */
  completionCheckMs: number;
  /**
   * Offsets read at first, from the end of a planned range backwards, to find the range's last record
   * (a transactional topic ends in commit markers, see docs/quality.md "Redrive"); ten times more
   * each time a window holds no record. Default 1,000.
   */
  probeWindow: number;
  /** Longest the search for a range's last record may take before the command is retried. Default 60 s. */
  probeTimeoutMs: number;
  /**
   * Longest a command or a completion check waits for `<prefix>.quality.events` to be read up to its
   * end (it then fails and is retried). Default 30 s.
   */
  catchUpTimeoutMs: number;
  /** After the command consumer or a redrive worker failed to start, the next attempt waits this long. Default 5 s. */
  restartDelayMs: number;
}

export const redriveDefaults: Readonly<RedriveOptions> = Object.freeze({
  completionCheckMs: 1000,
  probeWindow: 1000,
  probeTimeoutMs: 60_000,
  catchUpTimeoutMs: 30_000,
  restartDelayMs: 5000,
});

const positiveInt = z.number().int().min(1);
const optionsSchema = z.strictObject({
  completionCheckMs: positiveInt,
  probeWindow: positiveInt,
  probeTimeoutMs: positiveInt,
  catchUpTimeoutMs: positiveInt,
  restartDelayMs: positiveInt,
});

/** Merges overrides over the defaults (the caller's object is not modified) and validates the result. */
export function resolveRedriveOptions(overrides: Partial<RedriveOptions> = {}): Readonly<RedriveOptions> {
  const parsed = optionsSchema.safeParse({ ...redriveDefaults, ...overrides });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: `redrive.${i.path.join('.')}`, message: i.message }));
    throw new QualityManagerConfigError(`Invalid redrive options: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  return Object.freeze(parsed.data);
}
