/** A partition of a topic, as the consumer runner's hooks name it. */
export interface PartitionRef {
  readonly topic: string;
  readonly partition: number;
}

const keyOf = (p: PartitionRef) => `${p.topic}\u0000${p.partition}`;

/**
 * What handlers did per partition since the last commit, so it can be undone when the commit does
 * not happen. The consumer runner calls `beforeCommit` before a commit and `onUncommitted` when a
 * batch fails, but says nothing after a commit succeeds; success is inferred instead: the runner
 * only hands a partition its next message (or its next checkpoint) after the previous commit of
 * that partition went through.
 *
 * Items move: `add` → open; `checkpoint` → in flight (the commit being attempted); `confirm` (call it
 * when the partition's next message is handled) or the next `checkpoint` of the partition confirms
 * them; `rollback` returns open and in-flight items.
 */
export class CommitJournal<T> {
  readonly #open = new Map<string, T[]>();
  readonly #inFlight = new Map<string, T[]>();

  constructor(private readonly onConfirmed: (items: T[]) => void = () => undefined) {}

  /** The partition's previous checkpoint committed (called when its next message is handled). */
  confirm(where: PartitionRef): void {
    const key = keyOf(where);
    const items = this.#inFlight.get(key);
    if (items) {
      this.#inFlight.delete(key);
      this.onConfirmed(items);
    }
  }

  add(where: PartitionRef, item: T): void {
    const key = keyOf(where);
    const list = this.#open.get(key);
    if (list) list.push(item);
    else this.#open.set(key, [item]);
  }

  /** A commit of the partition starts: its open items are now in flight. Returns them. */
  checkpoint(where: PartitionRef): T[] {
    this.confirm(where);
    const key = keyOf(where);
    const items = this.#open.get(key) ?? [];
    this.#open.delete(key);
    this.#inFlight.set(key, items);
    return items;
  }

  /** The partition's batch failed before committing: what was open or in flight will be handled again. */
  rollback(where: PartitionRef): T[] {
    const key = keyOf(where);
    const items = [...(this.#inFlight.get(key) ?? []), ...(this.#open.get(key) ?? [])];
    this.#inFlight.delete(key);
    this.#open.delete(key);
    return items;
  }

  /** Items in flight on every partition (committed once the caller knows the offsets are). */
  inFlight(): T[] {
    return [...this.#inFlight.values()].flat();
  }

  /** Confirms every in-flight checkpoint (the caller saw the committed offsets). */
  confirmAll(): void {
    for (const key of [...this.#inFlight.keys()]) {
      const items = this.#inFlight.get(key) ?? [];
      this.#inFlight.delete(key);
      this.onConfirmed(items);
    }
  }
}
