import type { AlertAcknowledgement, AlertEntry, AlertFilter, AlertTransition } from './types.js';

interface Known {
  latest: AlertTransition;
  /** activeSince of the current (or, once resolved, the last) activation. */
  activatedAt: number | null;
}

const matches = (t: AlertTransition, f: AlertFilter) =>
  (f.rule === undefined || t.alertName === f.rule) &&
  (f.pipeline === undefined || t.labels.pipelineId === f.pipeline) &&
  (f.service === undefined || t.labels.service === f.service) &&
  (f.from === undefined || t.changedAt >= f.from) &&
  (f.to === undefined || t.changedAt < f.to);

/**
 * Alerts from `<prefix>.monitoring.alerts` (AlertStateChanged, keyed by alert id) and their
 * acknowledgements from `<prefix>.monitoring.events`. Keeps the latest transition per alert (at most
 * `maxAlerts`, resolved ones forgotten first), the newest `maxHistory` transitions, and the latest
 * acknowledgement per alert. The two topics are read concurrently, so an acknowledgement may arrive
 * before the transition it follows: it is kept on its own and matched to an activation when asked.
 */
export class AlertBook {
  readonly #alerts = new Map<string, Known>();
  /** Ring of the newest transitions. */
  readonly #history: AlertTransition[] = [];
  #historyStart = 0;
  readonly #acks = new Map<string, AlertAcknowledgement>();

  constructor(
    private readonly maxAlerts: number,
    private readonly maxHistory: number,
  ) {}

  /** False for a transition already applied or older than the alert's latest (redelivered, replayed). */
  transition(t: AlertTransition): boolean {
    const known = this.#alerts.get(t.alertId);
    if (known && (t.changedAt < known.latest.changedAt || (t.changedAt === known.latest.changedAt && t.state === known.latest.state))) return false;
    const activatedAt = t.state === 'resolved' ? (known?.activatedAt ?? null) : (t.activeSince ?? t.changedAt);
    this.#alerts.delete(t.alertId);
    this.#alerts.set(t.alertId, { latest: t, activatedAt });
    if (this.#alerts.size > this.maxAlerts) this.#evictAlert();
    this.#record(t);
    return true;
  }

  /** The latest acknowledgement stands (as in the dispatcher); one older than the one kept (read late) changes nothing. */
  acknowledged(alertId: string, ack: AlertAcknowledgement): void {
    const known = this.#acks.get(alertId);
    if (known && known.at >= ack.at) return;
    this.#acks.delete(alertId);
    this.#acks.set(alertId, ack);
    if (this.#acks.size > this.maxAlerts) {
      const oldest = this.#acks.keys().next();
      if (oldest.done !== true) this.#acks.delete(oldest.value);
    }
  }

  get(alertId: string): AlertEntry | undefined {
    const known = this.#alerts.get(alertId);
    return known ? this.#entry(known) : undefined;
  }

  /** Newest change first; without `state`, only alerts that are pending or firing. */
  current(filter: AlertFilter = {}): AlertEntry[] {
    const out: AlertEntry[] = [];
    for (const known of this.#alerts.values()) {
      const t = known.latest;
      if (filter.state === undefined ? t.state === 'resolved' : t.state !== filter.state) continue;
      if (matches(t, filter)) out.push(this.#entry(known));
    }
    return out.sort((a, b) => b.changedAt - a.changedAt || (a.alertId < b.alertId ? -1 : 1)).slice(0, filter.limit ?? out.length);
  }

  /** Transitions, newest change first (ties: the one read last first). */
  history(filter: AlertFilter & { alertId?: string } = {}): AlertTransition[] {
    const out: AlertTransition[] = [];
    // Read order is time order per alert only (three topics, many partitions): sort what matched.
    for (let i = this.#history.length - 1; i >= 0; i--) {
      const t = this.#history[(this.#historyStart + i) % this.#history.length]!;
      if (filter.alertId !== undefined && t.alertId !== filter.alertId) continue;
      if (filter.state !== undefined && t.state !== filter.state) continue;
      if (matches(t, filter)) out.push(t);
    }
    return out.sort((a, b) => b.changedAt - a.changedAt).slice(0, filter.limit ?? out.length);
  }

  #entry(known: Known): AlertEntry {
    const ack = this.#acks.get(known.latest.alertId);
    // An acknowledgement belongs to one activation (the dispatcher binds it to its startsAt).
    const current = ack !== undefined && known.activatedAt !== null && ack.at >= known.activatedAt ? ack : null;
    return { ...known.latest, activatedAt: known.activatedAt, acknowledgement: current };
  }

  #record(t: AlertTransition): void {
    if (this.#history.length < this.maxHistory) {
      this.#history.push(t);
      return;
    }
    this.#history[this.#historyStart] = t;
    this.#historyStart = (this.#historyStart + 1) % this.#history.length;
  }

  /** The resolved alert changed longest ago, else the alert changed longest ago (Map order: least recently changed first). */
  #evictAlert(): void {
    let victim: string | undefined;
    for (const [id, known] of this.#alerts) {
      if (known.latest.state === 'resolved') {
        victim = id;
        break;
      }
    }
    victim ??= this.#alerts.keys().next().value;
    if (victim !== undefined) {
      this.#alerts.delete(victim);
      this.#acks.delete(victim);
    }
  }
}
