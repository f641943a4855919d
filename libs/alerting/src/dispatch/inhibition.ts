import { matchesAll } from '../labels/index.js';
import type { InhibitRule } from '../rules/index.js';
import type { DispatchedAlert } from './types.js';

/**
 * Answers "which firing alerts inhibit this one?" for one flush. Per rule, the firing alerts that
 * match the source side are found once. As in Alertmanager: the `equal` labels must have the same
 * value on both sides (a label missing on both counts as equal); an alert never inhibits itself; and
 * when the target also matches the source side, sources that also match the target side are
 * ignored, so two alerts of the same class cannot mute each other.
 */
export class Inhibitor {
  readonly #sources: { rule: InhibitRule; alerts: DispatchedAlert[] }[];

  constructor(rules: readonly InhibitRule[], firing: readonly DispatchedAlert[]) {
    this.#sources = rules.map((rule) => ({ rule, alerts: firing.filter((a) => matchesAll(rule.sourceMatchers, a.labels)) }));
  }

  inhibitedBy(target: DispatchedAlert): string[] {
    const by = new Set<string>();
    for (const { rule, alerts } of this.#sources) {
      if (alerts.length === 0 || !matchesAll(rule.targetMatchers, target.labels)) continue;
      const twoSided = matchesAll(rule.sourceMatchers, target.labels);
      for (const source of alerts) {
        if (source.fingerprint === target.fingerprint) continue;
        if (!rule.equal.every((n) => (source.labels[n] ?? '') === (target.labels[n] ?? ''))) continue;
        if (twoSided && matchesAll(rule.targetMatchers, source.labels)) continue;
        by.add(source.fingerprint);
      }
    }
    return [...by].sort();
  }
}
