import type { Type } from 'avsc';
import type { EventTypes } from '../contracts/generated.js';
import type { AvroRecordSchema } from '../contracts/types.js';

/** The Avro schema of every record type a codec can encode, keyed by the record's full name. */
export type SchemaMap<M extends object> = { readonly [K in keyof M]: AvroRecordSchema };

/** A version of a subject as the registry holds it. */
export interface RegisteredVersion {
  readonly version: number;
  readonly id: number;
  /** The version's schema as an avsc Type (built with the codec's avsc options). */
  readonly type: Type;
}

/**
 * What the codec needs from a schema registry. {@link createSchemaRegistryClient} implements it on the
 * Confluent REST API; unit tests can pass an in-memory fake. Implementations map failures to
 * RegistryUnavailableError (retriable), RegistryRequestError, SchemaIncompatibleError (HTTP 409) and
 * CodecError TRIB_CODEC_UNKNOWN_SCHEMA (unknown id).
 */
export interface SchemaRegistryPort {
  /** The id of `schema` if it is already registered under `subject`; undefined otherwise. */
  lookup(subject: string, schema: AvroRecordSchema): Promise<number | undefined>;
  /** Every registered version of `subject`, oldest first; empty for a subject that does not exist. */
  versions(subject: string): Promise<RegisteredVersion[]>;
  /** Registers `schema` under `subject`, setting `compatibility` when the subject is new; returns the id. */
  register(subject: string, schema: AvroRecordSchema, compatibility: string): Promise<number>;
  /** The writer schema registered under `id`. */
  typeById(id: number): Promise<Type>;
}

/** A structural logger (pino's shape), so the library does not depend on a logging package. */
export interface CodecLogger {
  warn(bindings: Record<string, unknown>, message: string): void;
}

/** Encodes one value of a record type into a Confluent wire-format buffer, synchronously. */
export type Encoder<V> = (value: V) => Buffer;

/** A decoded message: the record's full name, the writer's schema id and the value as plain objects. */
export interface DecodedEvent {
  readonly type: string;
  readonly schemaId: number;
  readonly value: unknown;
}

/** A decoded message whose type is known to the codec, so its value has the generated TypeScript type. */
export interface TypedDecodedEvent<M extends object, T extends keyof M> extends DecodedEvent {
  readonly type: T & string;
  readonly value: M[T];
}

/**
 * Avro values in the Confluent wire format (magic byte 0, 4-byte big-endian schema id, Avro binary),
 * registered under subject `<topic>-<record full name>` with compatibility BACKWARD_TRANSITIVE.
 * Only the first use of a (topic, type) and the first sight of a schema id talk to the registry.
 */
export interface EventCodec<M extends object = EventTypes> {
  /**
   * Checks the type's schema against every registered version of its subject, registers it if it is
   * new, and returns a synchronous encoder; later calls for the same (topic, type) return the cached one.
   */
  encoderFor<T extends keyof M & string>(topic: string, type: T): Promise<Encoder<M[T]>>;
  /** encoderFor(topic, type) then encode: convenient where a sync hot path is not needed. */
  encode<T extends keyof M & string>(topic: string, type: T, value: M[T]): Promise<Buffer>;
  /**
   * Decodes a wire-format buffer. The writer schema is fetched once per unknown id, then cached; when
   * the codec has a schema of the same record, the value is returned in that (reader's) view.
   */
  decode(buffer: Buffer): Promise<DecodedEvent>;
  /** decode without the registry: undefined when the schema id has not been seen yet. */
  decodeCached(buffer: Buffer): DecodedEvent | undefined;
  /** The registry subject of `type` on `topic`: `<topic>-<type>`. */
  subjectFor(topic: string, type: keyof M & string): string;
  /** Drops the caches. The registry client is not closed: whoever created it closes it. */
  close(): Promise<void>;
}

/**
 * The same codec seen by code that handles record types named at run time (the broker runtime, DLQ
 * redrive, tools): any type name, values checked by avsc only. Typed code should use EventCodec, which
 * refuses unknown names and wrong values at compile time. Get one with {@link untypedCodec}.
 */
export interface UntypedEventCodec {
  encoderFor(topic: string, type: string): Promise<Encoder<unknown>>;
  encode(topic: string, type: string, value: unknown): Promise<Buffer>;
  decode(buffer: Buffer): Promise<DecodedEvent>;
  decodeCached(buffer: Buffer): DecodedEvent | undefined;
  subjectFor(topic: string, type: string): string;
  close(): Promise<void>;
}
