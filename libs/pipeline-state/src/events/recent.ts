/**
 * Events remembered by an id (correlation or causation), bounded by count and age: enough to answer
 * a requester that subscribes a moment after its answer arrived, without growing with history.
 */
export class RecentEvents<E> {
  private readonly byId = new Map<string, { at: number; events: E[] }>();

  constructor(
    private readonly maxIds: number,
    private readonly maxAgeMs: number,
  ) {}

  add(id: string, event: E, now: number): void {
    const found = this.byId.get(id);
    if (found) {
      found.events.push(event);
    } else {
      this.byId.set(id, { at: now, events: [event] });
    }
    this.evict(now);
  }

  get(id: string, now: number): readonly E[] {
    const found = this.byId.get(id);
    return found && now - found.at <= this.maxAgeMs ? found.events : [];
  }

  private evict(now: number): void {
    // Insertion order is age order: drop from the front.
    for (const [id, entry] of this.byId) {
      if (this.byId.size <= this.maxIds && now - entry.at <= this.maxAgeMs) break;
      this.byId.delete(id);
    }
  }
}
