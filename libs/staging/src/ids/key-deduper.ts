import { type KeyDeduperOptions, resolveKeyDeduperOptions } from './options.js';

/**
 * "Have I seen this key within the window?" for dedupe by record key, in bounded memory: an LRU of at
 * most `maxKeys` keys, each remembered with the time it was first accepted. The clock is passed in
 * (`now`, epoch ms), so tests and replays decide time, not the wall clock.
 *
 * State is in memory only: after a restart it is empty, so a caller that needs dedupe across restarts
 * rebuilds it (e.g. by feeding the keys of recent `.staged` records through `seen`).
 */
export class KeyDeduper {
  readonly options: KeyDeduperOptions;
  // A Map iterates in insertion order; re-inserting a key on every hit makes that order LRU order.
  readonly #firstSeen = new Map<string, number>();

  constructor(options: Partial<KeyDeduperOptions> = {}) {
    this.options = resolveKeyDeduperOptions(options);
  }

  /**
   * True when `key` was accepted less than `windowMs` before `now` (a duplicate: drop the record);
   * otherwise records `key` as accepted at `now` and returns false. A clock that goes backwards makes
   * the key look recent, which errs on the side of dropping a duplicate.
   */
  seen(key: string, now: number): boolean {
    const { windowMs, maxKeys } = this.options;
    const at = this.#firstSeen.get(key);
    this.#firstSeen.delete(key);
    if (at !== undefined && now - at < windowMs) {
      this.#firstSeen.set(key, at);
      return true;
    }
    this.#firstSeen.set(key, now);
    this.#evict(now, maxKeys, windowMs);
    return false;
  }

  /** Keys currently remembered (expired ones may linger until evicted or looked up). */
  get size(): number {
    return this.#firstSeen.size;
  }

  clear(): void {
    this.#firstSeen.clear();
  }

  /** Drops the least recently seen keys past the bound, and expired keys at the old end for free. */
  #evict(now: number, maxKeys: number, windowMs: number): void {
    for (const [key, at] of this.#firstSeen) {
      if (this.#firstSeen.size <= maxKeys && now - at < windowMs) return;
      this.#firstSeen.delete(key);
    }
  }
}
