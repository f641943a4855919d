import type { EvaluatedRecord } from '../../src/index.js';
import { FRESHNESS, MINUTE } from './fixtures.js';

/** What a window should report, counted the plain way: group by minute, then loop. A different path on purpose. */
export interface HandCount {
  readonly start: number;
  readonly records: number;
  readonly passed: number;
  readonly warned: number;
  readonly quarantined: number;
  readonly fields: Record<string, { nonNull: number; failed: number; warned: number }>;
  readonly rules: Record<string, { ruleType: string; severity: string; field: string | null; failures: number; records: number; samples: string[] }>;
  readonly keyed: number;
  readonly duplicates: number;
  /** Sorted lags (whole ms) of the records with a numeric createdAt. */
  readonly lags: number[];
  readonly withinSla: number;
  readonly score: number;
}

export function countByHand(arrivals: readonly EvaluatedRecord[], maxSamples = 3, windowMs = MINUTE): HandCount[] {
  const groups = new Map<number, EvaluatedRecord[]>();
  for (const a of arrivals) {
    const start = a.now - (a.now % windowMs);
    groups.set(start, [...(groups.get(start) ?? []), a]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, list]) => {
      const records = list.length;
      const quarantined = list.filter((a) => a.quarantined).length;
      const passed = list.filter((a) => !a.quarantined && a.failures.length === 0).length;
      const names = new Set<string>();
      for (const a of list) for (const name of Object.keys(a.record)) names.add(name);
      const fields: HandCount['fields'] = {};
      for (const name of names) {
        const has = (a: EvaluatedRecord, severity: string) => a.failures.some((f) => f.field === name && f.severity === severity);
        fields[name] = {
          nonNull: list.filter((a) => a.record[name] !== null && a.record[name] !== undefined).length,
          failed: list.filter((a) => has(a, 'error')).length,
          warned: list.filter((a) => has(a, 'warn')).length,
        };
      }
      const rules: HandCount['rules'] = {};
      for (const a of list) {
        for (const f of a.failures) {
          rules[f.ruleId] ??= { ruleType: f.ruleType, severity: f.severity, field: f.field ?? null, failures: 0, records: 0, samples: [] };
          (rules[f.ruleId] as { failures: number }).failures++;
        }
        for (const ruleId of new Set(a.failures.map((f) => f.ruleId))) {
          const rule = rules[ruleId] as HandCount['rules'][string];
          rule.records++;
          rule.samples.push(a.recordId);
        }
      }
      for (const rule of Object.values(rules)) rule.samples = [...new Set(rule.samples)].sort().slice(0, maxSamples);
      const duplicates = list.filter((a) => a.failures.some((f) => f.ruleId === 'id-unique')).length;
      const keyed = list.filter((a) => a.record['id'] !== null && a.record['id'] !== undefined).length;
      const lags = list
        .filter((a) => typeof a.record[FRESHNESS.field] === 'number')
        .map((a) => Math.max(0, Math.round(a.now - (a.record[FRESHNESS.field] as number))))
        .sort((x, y) => x - y);
      const withinSla = lags.filter((lag) => lag <= FRESHNESS.slaMs).length;
      const completeness = [...names].sort().reduce((sum, name) => sum + (fields[name] as { nonNull: number }).nonNull / records, 0) / names.size;
      const score =
        100 *
        (0.4 * ((records - quarantined) / records) +
          0.3 * completeness +
          0.15 * ((keyed - duplicates) / keyed) +
          0.15 * (withinSla / lags.length));
      return { start, records, passed, warned: records - passed - quarantined, quarantined, fields, rules, keyed, duplicates, lags, withinSla, score };
    });
}

/** The nearest-rank quantile of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] as number;
}
