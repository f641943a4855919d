import avro, { type ForSchemaOptions, type Type } from 'avsc';
import { z } from 'zod';
import { eventSchemas } from '../contracts/generated.js';
import type { EventTypes } from '../contracts/generated.js';
import { CodecError } from '../errors.js';
import type { CodecLogger, SchemaMap, SchemaRegistryPort } from './types.js';

/** The compatibility level Tributary sets on every subject it creates (DESIGN.md: history is replayed). */
export const SUBJECT_COMPATIBILITY = 'BACKWARD_TRANSITIVE';

/**
 * avsc settings for every Type the codec builds (local schemas and writer schemas from the registry).
 * No `logicalTypes`: timestamp-millis stays a long, so times are epoch-millisecond numbers both when
 * encoding and when decoding, matching the generated `number` fields (a Date is refused, not coerced).
 * Unions decode unwrapped (null | string) unless ambiguous; the generator refuses ambiguous unions in
 * schemas/ so the generated types always describe what avsc returns.
 */
export const codecAvroOptions: Readonly<Partial<ForSchemaOptions>> = Object.freeze({ wrapUnions: 'auto', omitRecordMethods: true });

/** An avsc Type built with {@link codecAvroOptions}. */
export function codecAvroType(schema: avro.Schema): Type {
  // A fresh options object per call: avsc stores its registry of named types in it, and sharing one
  // would make two schemas that both define tributary.x.Foo collide.
  return avro.Type.forSchema(schema, { ...codecAvroOptions });
}

/** Defaults of {@link createSchemaRegistryClient}. */
export const schemaRegistryClientDefaults = {
  /** Sent as the client id (User-Agent) so registry logs name the caller. */
  clientId: 'tributary',
  /** Retries after a 5xx or network failure, with exponential backoff (the library's, from 100 ms). */
  retries: 3,
  /** Per-request timeout: a registry that accepts connections but never answers must not hang start-up. */
  requestTimeoutMs: 10_000,
} as const;

export interface SchemaRegistryClientOptions {
  /** Base URL of the Confluent-compatible API, e.g. loadConfig().schemaRegistry.url. Required. */
  readonly url: string;
  /** Default {@link schemaRegistryClientDefaults.clientId}. */
  readonly clientId?: string;
  /** Default {@link schemaRegistryClientDefaults.retries}. */
  readonly retries?: number;
  /** Default {@link schemaRegistryClientDefaults.requestTimeoutMs}. */
  readonly requestTimeoutMs?: number;
  /** Told when a subject already has another compatibility level (kept as its owner set it). Default: silent. */
  readonly logger?: CodecLogger;
}

export type ResolvedSchemaRegistryClientOptions = Required<Omit<SchemaRegistryClientOptions, 'logger'>> & {
  readonly logger: CodecLogger | undefined;
};

const registryClientSchema = z.object({
  url: z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, '')),
  clientId: z.string().min(1),
  retries: z.number().int().min(0).max(10),
  requestTimeoutMs: z.number().int().min(1).max(600_000),
  logger: z.custom<CodecLogger>((v) => typeof (v as CodecLogger | undefined)?.warn === 'function').optional(),
});

export function resolveSchemaRegistryClientOptions(options: SchemaRegistryClientOptions): ResolvedSchemaRegistryClientOptions {
  const parsed = registryClientSchema.safeParse({ ...schemaRegistryClientDefaults, ...definedOnly(options) });
  if (!parsed.success) {
    const summary = parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ');
    throw new CodecError('TRIB_CODEC_OPTIONS_INVALID', `Invalid schema registry client options: ${summary}`, { cause: parsed.error });
  }
  return { ...parsed.data, logger: parsed.data.logger };
}

export interface EventCodecOptions<M extends object = EventTypes> {
  /** Where schemas are registered and looked up. Required. */
  readonly registry: SchemaRegistryPort;
  /**
   * The record types this codec encodes, and reads other writers' versions of, by full name.
   * Default: every generated Tributary event type ({@link eventSchemas}).
   */
  readonly schemas?: SchemaMap<M>;
}

export interface ResolvedEventCodecOptions {
  readonly registry: SchemaRegistryPort;
  readonly schemas: Readonly<Record<string, SchemaMap<EventTypes>[keyof EventTypes]>>;
}

export function resolveEventCodecOptions<M extends object>(options: EventCodecOptions<M>): ResolvedEventCodecOptions {
  const registry = options.registry as Partial<SchemaRegistryPort> | undefined;
  const missing = (['lookup', 'versions', 'register', 'typeById'] as const).filter((m) => typeof registry?.[m] !== 'function');
  if (missing.length > 0) {
    throw new CodecError('TRIB_CODEC_OPTIONS_INVALID', `Invalid event codec options: registry lacks ${missing.join(', ')}`);
  }
  const schemas = (options.schemas ?? eventSchemas) as ResolvedEventCodecOptions['schemas'];
  for (const [name, schema] of Object.entries(schemas)) {
    const fullName = schema.namespace && !schema.name.includes('.') ? `${schema.namespace}.${schema.name}` : schema.name;
    if (schema.type !== 'record' || fullName !== name) {
      throw new CodecError('TRIB_CODEC_OPTIONS_INVALID', `Invalid event codec options: schemas['${name}'] must be the record schema named ${name}`);
    }
  }
  return { registry: options.registry, schemas };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
