import { z } from 'zod';

/**
 * The opaque `cursor` of `GET /pipelines/:id/quarantine`: per partition, the offset the next page
 * starts at, as base64url JSON `{"v":1,"next":{"<partition>":<offset>,…}}`. A client only passes back
 * what `nextCursor` gave it, so anything else is refused rather than guessed at.
 */
export type QuarantineCursor = ReadonlyMap<number, string>;

/** Longer than any real cursor (a few hundred partitions); refused before it is decoded. */
const MAX_CURSOR_CHARS = 8_192;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const cursorSchema = z.strictObject({
  v: z.literal(1),
  next: z
    .record(z.string().regex(/^(0|[1-9][0-9]{0,5})$/), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER))
    .refine((next) => Object.keys(next).length > 0, 'names no partition'),
});

export function encodeQuarantineCursor(next: QuarantineCursor): string {
  const offsets = Object.fromEntries([...next].sort(([a], [b]) => a - b).map(([p, o]) => [String(p), Number(o)]));
  return Buffer.from(JSON.stringify({ v: 1, next: offsets }), 'utf8').toString('base64url');
}

/** The cursor's offsets, or the reason it is not one of ours. */
export function decodeQuarantineCursor(text: string): { cursor: QuarantineCursor } | { error: string } {
  if (text.length === 0 || text.length > MAX_CURSOR_CHARS || !BASE64URL.test(text)) return { error: 'not base64url of a cursor' };
  const bytes = Buffer.from(text, 'base64url');
  // Buffer skips what it cannot read: only a canonical encoding is taken.
  if (bytes.toString('base64url') !== text) return { error: 'not base64url of a cursor' };
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { error: 'not JSON' };
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) return { error: parsed.error.issues.map((i) => `${i.path.join('.') || 'cursor'}: ${i.message}`).join('; ') };
  return { cursor: new Map(Object.entries(parsed.data.next).map(([p, o]) => [Number(p), String(o)])) };
}
