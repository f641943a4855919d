import type { SilenceEntry, SilenceState } from './types.js';

type StoredSilence = Omit<SilenceEntry, 'state'>;

/** As the silence store of @tributary/alerting: pending before startsAt, active until endsAt, then expired. */
export function silenceStateAt(s: Pick<SilenceEntry, 'startsAt' | 'endsAt'>, now: number): SilenceState {
  return now < s.startsAt ? 'pending' : now < s.endsAt ? 'active' : 'expired';
}

/**
 * Silences from `SilenceCreated` and `SilenceExpired` (keyed by silence id, so one silence's events
 * stay in order). The first creation stands (a redelivered command creates nothing new); expiring
 * ends it then (a pending one ends before it starts). States are computed at the time asked. Expired
 * silences are listed for `expiredRetentionMs`, and forgotten first when more than `maxSilences`.
 */
export class SilenceBook {
  readonly #silences = new Map<string, StoredSilence>();

  constructor(
    private readonly maxSilences: number,
    private readonly expiredRetentionMs: number,
  ) {}

  created(s: Omit<StoredSilence, 'expiredBy' | 'expiredAt'>, now: number): boolean {
    if (this.#silences.has(s.silenceId)) return false;
    this.#silences.set(s.silenceId, s);
    if (this.#silences.size > this.maxSilences) this.#evict(now);
    return true;
  }

  expired(silenceId: string, by: string, at: number): boolean {
    const known = this.#silences.get(silenceId);
    if (!known || known.expiredAt !== undefined) return false;
    const state = silenceStateAt(known, at);
    if (state === 'expired') {
      this.#silences.set(silenceId, { ...known, expiredBy: by, expiredAt: at });
      return true;
    }
    this.#silences.set(silenceId, { ...known, startsAt: state === 'pending' ? at : known.startsAt, endsAt: at, expiredBy: by, expiredAt: at });
    return true;
  }

  get(silenceId: string, now: number): SilenceEntry | undefined {
    const s = this.#silences.get(silenceId);
    if (!s || this.#purged(s, now)) return undefined;
    return { ...s, state: silenceStateAt(s, now) };
  }

  /** Newest created first. */
  list(now: number, state?: SilenceState): SilenceEntry[] {
    const out: SilenceEntry[] = [];
    for (const s of this.#silences.values()) {
      if (this.#purged(s, now)) continue;
      const entry = { ...s, state: silenceStateAt(s, now) };
      if (state === undefined || entry.state === state) out.push(entry);
    }
    return out.sort((a, b) => b.createdAt - a.createdAt || (a.silenceId < b.silenceId ? -1 : 1));
  }

  #purged(s: StoredSilence, now: number): boolean {
    return now - s.endsAt > this.expiredRetentionMs;
  }

  /** Drops the silence that ended longest ago, else (none expired) the oldest created. */
  #evict(now: number): void {
    let victim: StoredSilence | undefined;
    for (const s of this.#silences.values()) {
      if (silenceStateAt(s, now) === 'expired' && (victim === undefined || s.endsAt < victim.endsAt)) victim = s;
    }
    victim ??= this.#silences.values().next().value;
    if (victim) this.#silences.delete(victim.silenceId);
  }
}
