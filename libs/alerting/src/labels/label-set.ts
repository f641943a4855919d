import { createHash } from 'node:crypto';
import type { Labels } from './types.js';

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Labels sorted by name with empty values dropped (an empty value is an absent label). */
export function canonicalLabels(labels: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(labels).sort(compare)) {
    const value = labels[name];
    if (value !== undefined && value !== '') out[name] = value;
  }
  return out;
}

/** Readable canonical text of a label set, `{a="1",b="2"}`: series identity and group keys. */
export function labelsKey(labels: Labels): string {
  const canonical = canonicalLabels(labels);
  return `{${Object.entries(canonical)
    .map(([n, v]) => `${n}=${JSON.stringify(v)}`)
    .join(',')}}`;
}

/**
 * The stable id of an alert: 16 hex digits of SHA-256 over its sorted, non-empty labels (which
 * include `alertname`). The same rule and labels give the same id across restarts and instances, so
 * it keys `tributary.monitoring.alerts` and de-duplicates notifications.
 */
export function fingerprint(labels: Labels): string {
  const hash = createHash('sha256');
  for (const [name, value] of Object.entries(canonicalLabels(labels))) {
    // 0xff never occurs in UTF-8, so name/value boundaries cannot be forged.
    hash.update(name, 'utf8').update(Buffer.of(0xff)).update(value, 'utf8').update(Buffer.of(0xff));
  }
  return hash.digest('hex').slice(0, 16);
}
