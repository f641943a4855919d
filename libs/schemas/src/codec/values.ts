import type { Type } from 'avsc';

/**
 * A copy of an avsc-decoded value made of plain objects and arrays. avsc returns records as instances
 * of generated classes; handlers compare, spread and serialise values, and chai's deep equality also
 * looks at prototypes, so Tributary hands out plain data. Buffers (bytes, fixed) are kept as they are.
 */
export function toPlain(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = toPlain(value[i]);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = toPlain((value as Record<string, unknown>)[key]);
  return out;
}

/** Where `value` breaks `type`, as "path: expected type" lines (only computed once encoding has failed). */
export function invalidPaths(type: Type, value: unknown): string[] {
  const problems: string[] = [];
  type.isValid(value, {
    errorHook: (path: string[], found: unknown, expected: Type) => {
      const where = path.length > 0 ? path.join('.') : '(value)';
      problems.push(`${where}: expected ${expected.typeName}${expected.name ? ` ${expected.name}` : ''}, got ${JSON.stringify(found) ?? 'undefined'}`);
    },
  });
  return problems;
}
