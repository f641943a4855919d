import type { AnomalyEntry } from './types.js';

/** Longest evidence JSON kept per anomaly (it lists every judged point). */
export const MAX_EVIDENCE_CHARS = 64 * 1024;

/**
 * Metric anomalies from `MetricAnomalyDetected` / `MetricAnomalyResolved` (keyed by service, so one
 * series' events stay in order). Ids are stable across replays (`<seriesKey>:<kind>:<openedAt>`), so
 * a repeated detection is one anomaly and keeps its resolution. At most `maxAnomalies`: resolved ones
 * are forgotten first, oldest first.
 */
export class AnomalyBook {
  readonly #anomalies = new Map<string, AnomalyEntry>();

  constructor(private readonly maxAnomalies: number) {}

  detected(a: Omit<AnomalyEntry, 'status' | 'resolution'>): boolean {
    if (this.#anomalies.has(a.anomalyId)) return false;
    const evidence = a.evidence !== null && a.evidence.length <= MAX_EVIDENCE_CHARS ? a.evidence : null;
    this.#anomalies.set(a.anomalyId, { ...a, evidence, status: 'open' });
    if (this.#anomalies.size > this.maxAnomalies) this.#evict();
    return true;
  }

  resolved(anomalyId: string, resolution: NonNullable<AnomalyEntry['resolution']>): boolean {
    const known = this.#anomalies.get(anomalyId);
    if (!known || known.status === 'resolved') return false;
    this.#anomalies.set(anomalyId, { ...known, status: 'resolved', resolution });
    return true;
  }

  /** Newest detection first. */
  list(filter: { status?: 'open' | 'resolved'; service?: string; limit?: number } = {}): AnomalyEntry[] {
    const out = [...this.#anomalies.values()].filter((a) => (filter.status === undefined || a.status === filter.status) && (filter.service === undefined || a.service === filter.service));
    return out.sort((a, b) => b.detectedAt - a.detectedAt || (a.anomalyId < b.anomalyId ? -1 : 1)).slice(0, filter.limit ?? out.length);
  }

  #evict(): void {
    let victim: AnomalyEntry | undefined;
    for (const a of this.#anomalies.values()) {
      if (a.status === 'resolved') {
        victim = a;
        break;
      }
    }
    victim ??= this.#anomalies.values().next().value;
    if (victim) this.#anomalies.delete(victim.anomalyId);
  }
}
