import type { ComponentHealth, HealthEntry, HealthOverview, HealthStatus } from './types.js';

const RANK: Record<HealthStatus, number> = { UP: 0, DEGRADED: 1, DOWN: 2 };
const worst = (statuses: readonly HealthStatus[]): HealthStatus => statuses.reduce<HealthStatus>((w, s) => (RANK[s] > RANK[w] ? s : w), 'UP');
const SERVICE = '\u0000';

/**
 * The latest `ComponentHealthChanged` per (component, instance) and per component. The manager
 * publishes changes only, and forgets an instance DOWN for an hour without saying so: entries DOWN
 * whose last beat (or change) is older than `forgetDownAfterMs` are left out, as the manager does.
 */
export class HealthBook {
  /** `<component>\0<instance or \0>` → entry; Map order: least recently changed first. */
  readonly #entries = new Map<string, HealthEntry>();

  constructor(
    private readonly maxEntries: number,
    private readonly forgetDownAfterMs: number,
  ) {}

  /** False for a change older than the one known (redelivered, replayed). */
  changed(e: HealthEntry): boolean {
    const key = `${e.component}\u0000${e.instance ?? SERVICE}`;
    const known = this.#entries.get(key);
    if (known && known.changedAt > e.changedAt) return false;
    this.#entries.delete(key);
    this.#entries.set(key, e);
    if (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    return true;
  }

  overview(now: number): HealthOverview {
    const byComponent = new Map<string, { summary: HealthEntry | null; instances: HealthEntry[] }>();
    for (const e of this.#entries.values()) {
      if (e.status === 'DOWN' && now - (e.lastSeenAt ?? e.changedAt) > this.forgetDownAfterMs) continue;
      let c = byComponent.get(e.component);
      if (!c) byComponent.set(e.component, (c = { summary: null, instances: [] }));
      if (e.instance === null) c.summary = e;
      else c.instances.push(e);
    }
    const components: ComponentHealth[] = [...byComponent]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([component, { summary, instances }]) => ({
        component,
        status: summary?.status ?? worst(instances.map((i) => i.status)),
        summary,
        instances: instances.sort((a, b) => ((a.instance ?? '') < (b.instance ?? '') ? -1 : 1)),
      }));
    return { status: components.length === 0 ? 'UNKNOWN' : worst(components.map((c) => c.status)), components, at: now };
  }
}
