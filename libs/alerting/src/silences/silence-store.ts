import { z } from 'zod';
import { AlertingError, type AlertingIssue, invalid } from '../errors.js';
import { type CompiledMatcher, type Labels, compileMatcher, matchesAll } from '../labels/index.js';
import { zodIssues } from '../validate-options.js';
import { type ResolvedSilenceStoreOptions, type SilenceStoreOptions, resolveSilenceStoreOptions } from './options.js';
import type { Silence, SilenceInput, SilenceState, SilenceView } from './types.js';

const matcherObject = z.strictObject({ name: z.string(), type: z.enum(['=', '!=', '=~', '!~']), value: z.string().max(2048) });
const inputSchema = z.strictObject({
  id: z.string().trim().min(1).max(200).optional(),
  matchers: z.array(z.union([z.string().max(2048), matcherObject])).min(1, 'at least one matcher is required').max(100),
  startsAt: z.number().finite().optional(),
  endsAt: z.number().finite(),
  createdBy: z.string().trim().min(1, 'say who creates the silence').max(200),
  comment: z.string().trim().min(1, 'say why (a ticket, a maintenance window)').max(4096),
});
const snapshotSchema = z.strictObject({
  version: z.literal(1),
  silences: z.array(
    z.strictObject({
      id: z.string(),
      matchers: z.array(matcherObject),
      startsAt: z.number(),
      endsAt: z.number(),
      createdBy: z.string(),
      comment: z.string(),
      updatedAt: z.number(),
    }),
  ),
});

export type SilenceStoreSnapshot = z.infer<typeof snapshotSchema>;

interface StoredSilence {
  silence: Silence;
  compiled: readonly CompiledMatcher[];
}

export function silenceState(silence: Silence, now: number): SilenceState {
  return now < silence.startsAt ? 'pending' : now < silence.endsAt ? 'active' : 'expired';
}

/**
 * Silences: create, expire, match. A silence mutes notifications of the alerts its matchers all
 * match while `startsAt <= now < endsAt`; the alerts themselves keep being evaluated and published.
 * Pure: `now` is passed in.
 */
export class SilenceStore {
  readonly #options: ResolvedSilenceStoreOptions;
  readonly #silences = new Map<string, StoredSilence>();

  constructor(options: Partial<SilenceStoreOptions> = {}) {
    this.#options = resolveSilenceStoreOptions(options);
  }

  #compile(matchers: SilenceInput['matchers'], issues: AlertingIssue[]): CompiledMatcher[] {
    const compiled: CompiledMatcher[] = [];
    matchers.forEach((input, index) => {
      const outcome = compileMatcher(input, this.#options);
      if (outcome.ok) compiled.push(outcome.value);
      else issues.push({ path: `matchers.${index}`, message: outcome.message });
    });
    return compiled;
  }

  /**
   * Throws TRIB_ALERT_SILENCE_INVALID naming each offending field. With an `id` already known, returns
   * that silence unchanged: creating the same silence again (a redelivered command) is harmless.
   */
  create(input: SilenceInput, now: number): SilenceView {
    const parsed = inputSchema.safeParse(input);
    if (!parsed.success) throw invalid('TRIB_ALERT_SILENCE_INVALID', 'silence', zodIssues(parsed.error));
    const { matchers, endsAt, createdBy, comment } = parsed.data;
    const known = parsed.data.id === undefined ? undefined : this.get(parsed.data.id, now);
    if (known) return known;
    const startsAt = parsed.data.startsAt ?? now;
    const issues: AlertingIssue[] = [];
    const compiled = this.#compile(matchers, issues);
    if (compiled.length > 0 && compiled.every((m) => m.matches({}))) {
      issues.push({ path: 'matchers', message: 'every matcher matches an empty label set, so the silence would mute every alert' });
    }
    if (endsAt <= startsAt) issues.push({ path: 'endsAt', message: 'must be after startsAt' });
    else if (endsAt <= now) issues.push({ path: 'endsAt', message: 'is in the past' });
    if (issues.length > 0) throw invalid('TRIB_ALERT_SILENCE_INVALID', 'silence', issues);
    this.purge(now);
    if (this.#silences.size >= this.#options.maxSilences) {
      throw invalid('TRIB_ALERT_SILENCE_INVALID', 'silence', [{ path: '', message: `there are already ${this.#options.maxSilences} silences` }]);
    }
    const silence: Silence = {
      id: parsed.data.id ?? this.#options.newId(),
      matchers: compiled.map(({ name, type, value }) => ({ name, type, value })),
      startsAt,
      endsAt,
      createdBy: createdBy.trim(),
      comment: comment.trim(),
      updatedAt: now,
    };
    this.#silences.set(silence.id, { silence, compiled });
    return { ...silence, state: silenceState(silence, now) };
  }

  /**
   * Ends a silence now (a pending one is ended before it starts). Expiring an expired silence
   * changes nothing, so a repeated command is harmless. TRIB_ALERT_NOT_FOUND for an unknown id.
   */
  expire(id: string, now: number): SilenceView {
    const stored = this.#silences.get(id);
    if (stored === undefined) throw new AlertingError('TRIB_ALERT_NOT_FOUND', `no silence ${JSON.stringify(id)}`);
    const state = silenceState(stored.silence, now);
    if (state !== 'expired') {
      const startsAt = state === 'pending' ? now : stored.silence.startsAt;
      stored.silence = { ...stored.silence, startsAt, endsAt: now, updatedAt: now };
    }
    return { ...stored.silence, state: 'expired' };
  }

  get(id: string, now: number): SilenceView | undefined {
    const stored = this.#silences.get(id);
    return stored === undefined ? undefined : { ...stored.silence, state: silenceState(stored.silence, now) };
  }

  /** All silences kept, newest first. */
  list(now: number): SilenceView[] {
    return [...this.#silences.values()]
      .map(({ silence }) => ({ ...silence, state: silenceState(silence, now) }))
      .sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : 1));
  }

  /** Ids of the active silences that mute `labels`. */
  mutedBy(labels: Labels, now: number): string[] {
    const ids: string[] = [];
    for (const { silence, compiled } of this.#silences.values()) {
      if (silenceState(silence, now) === 'active' && matchesAll(compiled, labels)) ids.push(silence.id);
    }
    return ids;
  }

  /** Forgets silences expired for longer than `expiredRetention`. */
  purge(now: number): void {
    for (const [id, { silence }] of this.#silences) {
      if (now - silence.endsAt > this.#options.expiredRetention) this.#silences.delete(id);
    }
  }

  snapshot(): SilenceStoreSnapshot {
    return { version: 1, silences: [...this.#silences.values()].map(({ silence }) => ({ ...silence, matchers: [...silence.matchers] })) };
  }

  /** Replaces every silence with those of a snapshot; TRIB_ALERT_SNAPSHOT_INVALID when malformed. */
  restore(snapshot: unknown): void {
    const parsed = snapshotSchema.safeParse(snapshot);
    if (!parsed.success) throw invalid('TRIB_ALERT_SNAPSHOT_INVALID', 'silence snapshot', zodIssues(parsed.error));
    const restored = new Map<string, StoredSilence>();
    parsed.data.silences.forEach((silence, index) => {
      const issues: AlertingIssue[] = [];
      const compiled = this.#compile(silence.matchers, issues);
      if (issues.length > 0) {
        throw invalid('TRIB_ALERT_SNAPSHOT_INVALID', 'silence snapshot', issues.map((i) => ({ ...i, path: `silences.${index}.${i.path}` })));
      }
      restored.set(silence.id, { silence, compiled });
    });
    this.#silences.clear();
    for (const [id, stored] of restored) this.#silences.set(id, stored);
  }
}
