export { createEventCodec, isEventType, untypedCodec } from './codec.js';
export { assertReadsEveryVersion, describe as describeAvroType, findIncompatibility, incompatibilityMessage } from './compatibility.js';
export type { Incompatibility } from './compatibility.js';
export {
  SUBJECT_COMPATIBILITY,
  codecAvroOptions,
  codecAvroType,
  resolveEventCodecOptions,
  resolveSchemaRegistryClientOptions,
  schemaRegistryClientDefaults,
} from './options.js';
export type { EventCodecOptions, SchemaRegistryClientOptions } from './options.js';
export { createSchemaRegistryClient } from './registry.js';
export type { SchemaRegistryClient } from './registry.js';
export type {
  CodecLogger,
  DecodedEvent,
  Encoder,
  EventCodec,
  RegisteredVersion,
  SchemaMap,
  SchemaRegistryPort,
  TypedDecodedEvent,
  UntypedEventCodec,
} from './types.js';
export { MAGIC_BYTE, WIRE_HEADER_BYTES, readSchemaId, subjectName, writeHeader } from './wire.js';
