import type { LabelMatcher, MatcherInput } from '../labels/index.js';

/** pending: starts later; active: mutes matching alerts now; expired: ended (kept for a while, for the record). */
export type SilenceState = 'pending' | 'active' | 'expired';

/** A silence as Alertmanager has it: matchers and a time window, with who made it and why. */
export interface Silence {
  readonly id: string;
  readonly matchers: readonly LabelMatcher[];
  readonly startsAt: number;
  readonly endsAt: number;
  readonly createdBy: string;
  readonly comment: string;
  readonly updatedAt: number;
}

export interface SilenceView extends Silence {
  readonly state: SilenceState;
}

export interface SilenceInput {
  /** Default: a new id (`newId`). Given by the caller when the silence was created elsewhere (a command). */
  readonly id?: string;
  /** At least one; together they must not match an alert without labels (that would silence everything). */
  readonly matchers: readonly MatcherInput[];
  /** Default: now. */
  readonly startsAt?: number;
  readonly endsAt: number;
  readonly createdBy: string;
  readonly comment: string;
}
