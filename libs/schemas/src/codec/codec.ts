import type { Resolver, Type } from 'avsc';
import type { EventTypes } from '../contracts/generated.js';
import { CodecError } from '../errors.js';
import { assertReadsEveryVersion, findIncompatibility, incompatibilityMessage } from './compatibility.js';
import { type EventCodecOptions, SUBJECT_COMPATIBILITY, codecAvroType, resolveEventCodecOptions } from './options.js';
import type { DecodedEvent, Encoder, EventCodec, TypedDecodedEvent, UntypedEventCodec } from './types.js';
import { invalidPaths, toPlain } from './values.js';
import { WIRE_HEADER_BYTES, readSchemaId, subjectName, writeHeader } from './wire.js';

/** How to read the values written with one schema id: as the writer wrote them, or in the local reader's view. */
interface Reader {
  readonly name: string;
  readonly type: Type;
  readonly resolver: Resolver | undefined;
  /** Set when this process cannot read that writer's data at all (decoding it always fails the same way). */
  readonly error: CodecError | undefined;
}

// The encode scratch buffer starts at 16 KiB and grows to the largest value seen.
const INITIAL_SCRATCH_BYTES = 16 * 1024;

/**
 * The Avro codec of Tributary messages. Registration and schema fetches happen once per (topic, type)
 * and per schema id; after that, encoders and `decodeCached` are synchronous and make no HTTP call.
 */
export function createEventCodec(options: EventCodecOptions<EventTypes>): EventCodec<EventTypes>;
export function createEventCodec<M extends object>(options: EventCodecOptions<M> & Required<Pick<EventCodecOptions<M>, 'schemas'>>): EventCodec<M>;
export function createEventCodec<M extends object>(options: EventCodecOptions<M>): EventCodec<M> {
  const { registry, schemas } = resolveEventCodecOptions(options);
  const localTypes = new Map<string, Type>();
  const encoders = new Map<string, Promise<Encoder<unknown>>>();
  const readers = new Map<number, Reader>();
  const pendingReaders = new Map<number, Promise<Reader>>();
  // Encoders are synchronous and JavaScript runs one at a time, so one scratch buffer serves them all:
  // the value is written after the header, then copied out at its exact size.
  let scratch = Buffer.allocUnsafe(INITIAL_SCRATCH_BYTES);

  function localType(name: string): Type | undefined {
    let type = localTypes.get(name);
    const schema = schemas[name];
    if (!type && schema) {
      type = codecAvroType(schema);
      localTypes.set(name, type);
    }
    return type;
  }

  async function prepareEncoder(topic: string, name: string): Promise<Encoder<unknown>> {
    const type = localType(name);
    const schema = schemas[name];
    if (!type || !schema) {
      throw new CodecError('TRIB_CODEC_UNKNOWN_TYPE', `No schema for record type ${name}; known: ${Object.keys(schemas).join(', ')}`);
    }
    const subject = subjectName(topic, name);
    // Already registered (the usual case after the first deploy): one lookup, no check needed, since
    // it passed the check when it was registered, and older producers may keep writing it.
    let id = await registry.lookup(subject, schema);
    if (id === undefined) {
      assertReadsEveryVersion(subject, type, await registry.versions(subject));
      id = await registry.register(subject, schema, SUBJECT_COMPATIBILITY);
    }
    // Values written with this id are ours: decoding them needs no registry call either.
    if (!readers.has(id)) readers.set(id, { name, type, resolver: undefined, error: undefined });
    return encoderOf(type, id, name);
  }

  function encoderOf(type: Type, schemaId: number, name: string): Encoder<unknown> {
    return (value) => {
      try {
        writeHeader(scratch, schemaId);
        let end = type.encode(value, scratch, WIRE_HEADER_BYTES);
        if (end < 0) {
          // avsc reports how many bytes were missing; grow once (to at least double) and write again.
          scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, scratch.length - end));
          writeHeader(scratch, schemaId);
          end = type.encode(value, scratch, WIRE_HEADER_BYTES);
        }
        return Buffer.from(scratch.subarray(0, end));
      } catch (err) {
        const paths = invalidPaths(type, value);
        const detail = paths.length > 0 ? paths.join('; ') : (err as Error).message;
        throw new CodecError('TRIB_CODEC_INVALID_VALUE', `Value is not a valid ${name}: ${detail}`, { cause: err });
      }
    };
  }

  async function loadReader(id: number): Promise<Reader> {
    const writer = await registry.typeById(id);
    const name = writer.name ?? writer.typeName;
    const local = localType(name);
    let reader: Reader;
    if (!local || local.equals(writer)) {
      // Unknown record (read as written) or the same canonical schema (no resolution needed).
      reader = { name, type: local ?? writer, resolver: undefined, error: undefined };
    } else {
      const issue = findIncompatibility(local, writer);
      reader = issue
        ? {
            name,
            type: local,
            resolver: undefined,
            error: new CodecError(
              'TRIB_CODEC_UNREADABLE',
              `${incompatibilityMessage(name, `schema id ${id}`, issue)}: this process has an older schema of ${name}; upgrade it, then redrive`,
            ),
          }
        : { name, type: local, resolver: local.createResolver(writer), error: undefined };
    }
    readers.set(id, reader);
    return reader;
  }

  function readerFor(id: number): Promise<Reader> {
    let pending = pendingReaders.get(id);
    if (!pending) {
      // One registry request per id however many messages wait for it; failures are not cached.
      pending = loadReader(id).finally(() => pendingReaders.delete(id));
      pendingReaders.set(id, pending);
    }
    return pending;
  }

  function decodeWith(reader: Reader, schemaId: number, buffer: Buffer): DecodedEvent {
    if (reader.error) throw reader.error;
    let value: unknown;
    try {
      value = reader.type.fromBuffer(buffer.subarray(WIRE_HEADER_BYTES), reader.resolver);
    } catch (err) {
      throw new CodecError('TRIB_CODEC_MALFORMED', `Bytes do not decode as ${reader.name} (schema id ${schemaId}): ${(err as Error).message}`, {
        cause: err,
      });
    }
    return { type: reader.name, schemaId, value: toPlain(value) };
  }

  return {
    encoderFor<T extends keyof M & string>(topic: string, type: T): Promise<Encoder<M[T]>> {
      const key = `${topic}\u0000${type}`;
      let encoder = encoders.get(key);
      if (!encoder) {
        encoder = prepareEncoder(topic, type);
        encoders.set(key, encoder);
        // A failed preparation (registry down, incompatible schema) is retried by the next call.
        encoder.catch(() => encoders.delete(key));
      }
      return encoder;
    },

    async encode(topic, type, value) {
      return (await this.encoderFor(topic, type))(value);
    },

    async decode(buffer) {
      const schemaId = readSchemaId(buffer);
      return decodeWith(readers.get(schemaId) ?? (await readerFor(schemaId)), schemaId, buffer);
    },

    decodeCached(buffer) {
      const schemaId = readSchemaId(buffer);
      const reader = readers.get(schemaId);
      return reader ? decodeWith(reader, schemaId, buffer) : undefined;
    },

    subjectFor: (topic, type) => subjectName(topic, type),

    close() {
      encoders.clear();
      readers.clear();
      localTypes.clear();
      return Promise.resolve();
    },
  };
}

/** Narrows a decoded message to a record type the codec knows, so its value has the generated type. */
export function isEventType<T extends keyof M & string, M extends object = EventTypes>(
  decoded: DecodedEvent,
  type: T,
): decoded is TypedDecodedEvent<M, T> {
  return decoded.type === type;
}

/**
 * `codec` typed for run-time type names (see UntypedEventCodec). The same object: unknown names still
 * fail with TRIB_CODEC_UNKNOWN_TYPE and invalid values with TRIB_CODEC_INVALID_VALUE, at run time.
 */
export function untypedCodec<M extends object>(codec: EventCodec<M>): UntypedEventCodec {
  return codec as unknown as UntypedEventCodec;
}
