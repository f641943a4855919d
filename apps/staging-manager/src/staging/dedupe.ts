import { KeyDeduper } from '@tributary/staging';

/**
 * KeyDeduper with "forget": a key accepted by a transaction that then aborted must not make its own
 * redelivery look like a duplicate (that would lose the record). KeyDeduper cannot delete a key, so
 * forgotten keys are remembered aside and let through once more; the deduper keeps the earlier
 * acceptance time, which only shortens the window by the few seconds of the aborted batch.
 */
export class RollbackableDeduper {
  readonly #keys: KeyDeduper;
  readonly #forgotten = new Set<string>();
  readonly #maxForgotten: number;

  constructor(options: { windowMs: number; maxKeys?: number | undefined }) {
    this.#keys = new KeyDeduper({ windowMs: options.windowMs, ...(options.maxKeys !== undefined ? { maxKeys: options.maxKeys } : {}) });
    this.#maxForgotten = this.#keys.options.maxKeys;
  }

  /** True when `key` repeats a key accepted less than a window before `now` (drop the record). */
  isDuplicate(key: string, now: number): boolean {
    if (this.#forgotten.delete(key)) {
      this.#keys.seen(key, now);
      return false;
    }
    return this.#keys.seen(key, now);
  }

  /** Un-accepts keys whose records were not committed. */
  forget(keys: Iterable<string>): void {
    for (const key of keys) {
      this.#forgotten.add(key);
      // Bounded like the deduper itself: oldest forgotten keys go first.
      if (this.#forgotten.size > this.#maxForgotten) {
        const oldest = this.#forgotten.values().next();
        if (oldest.done !== true) this.#forgotten.delete(oldest.value);
      }
    }
  }
}
