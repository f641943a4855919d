import { createHash } from 'node:crypto';
import type { SeriesIdentity } from './types.js';

/**
 * Label values longer than this (in characters) are replaced in the key by a hash of the value:
 * keys stay short and readable when a label carries a URL, a SQL text or a stack frame.
 */
export const MAX_KEY_LABEL_VALUE_LENGTH = 64;
/** When all labels together still encode to more than this, the whole label part becomes one hash. */
export const MAX_KEY_LABELS_LENGTH = 512;

// Characters kept as they are. Everything else (including `/ = , : % * ? [ ] { }`, spaces, control
// characters and non-ASCII) is percent-encoded as UTF-8, so the separators below are unambiguous, the
// key has no Redis glob characters (SCAN MATCH stays exact) and no `{}` (no accidental cluster hash tag).
const PLAIN = /^[A-Za-z0-9_.-]*$/;

function encodePart(text: string): string {
  if (PLAIN.test(text)) return text;
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && PLAIN.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

// `~` is never produced by encodePart, so a hashed part can never equal an encoded one.
const hashed = (text: string) => `~h${createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16)}`;

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Labels that identify a series: sorted by name, empty values dropped (Prometheus treats an empty
 * label value as the label being absent, so `{route: ''}` and `{}` are one series).
 */
export function canonicalLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const entries: [string, string][] = [];
  for (const name of Object.keys(labels).sort(compare)) {
    const value = labels[name];
    if (value !== undefined && value !== '') entries.push([name, value]);
  }
  // fromEntries defines own properties, so even a label named __proto__ stays a label.
  return Object.fromEntries(entries);
}

/**
 * The stable key of a series: `<service>/<metric>` followed, when it has labels, by
 * `/<name>=<value>,<name>=<value>` in label-name order. Each part is percent-encoded outside
 * `[A-Za-z0-9_.-]`; a label value over MAX_KEY_LABEL_VALUE_LENGTH characters is written `~h<16 hex of
 * its SHA-256>`, and a label part still over MAX_KEY_LABELS_LENGTH is replaced as a whole the same way.
 * Examples: `cpm/http_requests_total/method=GET,route=%2Fapi%2Fv1%2Fpipelines`,
 * `quality-manager/tributary_consumer_lag`.
 */
export function seriesKey(identity: SeriesIdentity): string {
  const head = `${encodePart(identity.service)}/${encodePart(identity.metric)}`;
  const labels = canonicalLabels(identity.labels);
  const names = Object.keys(labels);
  if (names.length === 0) return head;
  const parts: string[] = [];
  for (const name of names) {
    const value = labels[name]!;
    parts.push(`${encodePart(name)}=${value.length > MAX_KEY_LABEL_VALUE_LENGTH ? hashed(value) : encodePart(value)}`);
  }
  let tail = parts.join(',');
  if (tail.length > MAX_KEY_LABELS_LENGTH) tail = hashed(JSON.stringify(names.map((n) => [n, labels[n]])));
  return `${head}/${tail}`;
}

/** A service name as it appears inside a Redis key (the per-service series index). */
export function serviceKeyPart(service: string): string {
  return encodePart(service);
}
