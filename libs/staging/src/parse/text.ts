import { IngestParseError } from '../errors.js';

// One decoder for the whole process is fine: `decode` without `stream` keeps no state between calls.
// `fatal` makes invalid UTF-8 an error instead of silently becoming U+FFFD in stored records.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder('utf-8');
const REPLACEMENT = '\uFFFD';

/**
 * The body as text. Bytes must be UTF-8; a leading byte-order mark is dropped (so positions count
 * from the first character after it, as they do for a string body with a BOM).
 */
export function decodeBody(body: Buffer | string): string {
  if (typeof body === 'string') return body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  try {
    return strictUtf8.decode(body);
  } catch (err) {
    const position = firstInvalidUtf8(body);
    const { line, column } = lineColumnAt(lossyUtf8.decode(body), position);
    throw new IngestParseError({ line, column, position, message: 'Invalid UTF-8 byte sequence' }, { cause: err });
  }
}

/**
 * Position (in characters of the lossy decoding) of the first invalid sequence. Before it the lossy
 * and the real text agree, so each U+FFFD found is either that sequence or a genuine U+FFFD in the
 * body (bytes EF BF BD), which is skipped.
 */
function firstInvalidUtf8(body: Buffer): number {
  const lossy = lossyUtf8.decode(body);
  const bomBytes = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  for (let i = lossy.indexOf(REPLACEMENT); i !== -1; i = lossy.indexOf(REPLACEMENT, i + 1)) {
    const byte = bomBytes + Buffer.byteLength(lossy.slice(0, i));
    if (!(body[byte] === 0xef && body[byte + 1] === 0xbf && body[byte + 2] === 0xbd)) return i;
  }
  return lossy.length;
}

/** 1-based line and column of a 0-based position; lines end at "\n" (a "\r" before it is on the line). */
export function lineColumnAt(text: string, position: number): { line: number; column: number } {
  const end = Math.max(0, Math.min(position, text.length));
  let line = 1;
  let lineStart = 0;
  for (let nl = text.indexOf('\n'); nl !== -1 && nl < end; nl = text.indexOf('\n', nl + 1)) {
    line++;
    lineStart = nl + 1;
  }
  return { line, column: end - lineStart + 1 };
}

/** 0-based position where 1-based `line` starts (the text length when there are fewer lines). */
export function lineStartOf(text: string, line: number): number {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) return text.length;
    start = nl + 1;
  }
  return start;
}
