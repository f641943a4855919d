/**
 * The Confluent wire format: byte 0 is the magic byte 0, bytes 1-4 the schema id (big-endian,
 * unsigned), the rest the Avro binary encoding of the value.
 */
import { CodecError } from '../errors.js';

export const MAGIC_BYTE = 0;
export const WIRE_HEADER_BYTES = 5;

/** The registry subject of a record type on a topic (Confluent's TopicRecordNameStrategy). */
export function subjectName(topic: string, recordFullName: string): string {
  return `${topic}-${recordFullName}`;
}

/** The schema id of a wire-format message; TRIB_CODEC_MALFORMED when the bytes cannot be one. */
export function readSchemaId(buffer: Buffer): number {
  if (!Buffer.isBuffer(buffer)) {
    throw new CodecError('TRIB_CODEC_MALFORMED', `Expected a Buffer in the Confluent wire format, got ${describe(buffer)}`);
  }
  if (buffer.length < WIRE_HEADER_BYTES) {
    throw new CodecError(
      'TRIB_CODEC_MALFORMED',
      `Message of ${buffer.length} byte(s) is too short for the Confluent wire format (magic byte + 4-byte schema id)`,
    );
  }
  if (buffer[0] !== MAGIC_BYTE) {
    throw new CodecError(
      'TRIB_CODEC_MALFORMED',
      `Message does not start with the Confluent magic byte 0 (found 0x${buffer[0]!.toString(16).padStart(2, '0')}): not Avro from a schema registry`,
    );
  }
  return buffer.readUInt32BE(1);
}

/** Writes the 5-byte header for `schemaId` at the start of `target`. */
export function writeHeader(target: Buffer, schemaId: number): void {
  target[0] = MAGIC_BYTE;
  target.writeUInt32BE(schemaId, 1);
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}
