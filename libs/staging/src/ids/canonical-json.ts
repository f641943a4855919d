/**
 * Canonical JSON: the same value always gives the same text, whatever the key order it was built
 * with. Record ids hash it, so it is written here rather than taken from a library: a dependency
 * upgrade that changed one character of the output would silently change every id and break dedupe
 * across a deploy. Tests pin its output.
 *
 * Rules (those of RFC 8785 for the values a record can hold): no whitespace; object keys sorted by
 * UTF-16 code units; strings and numbers exactly as JSON.stringify writes them (ECMAScript number
 * formatting, as RFC 8785 requires, so 1.0 and 1 are the same); properties whose value is undefined
 * left out and undefined array items written as null, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const object = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(object).sort()) {
    if (object[key] === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(object[key])}`);
  }
  return `{${parts.join(',')}}`;
}
