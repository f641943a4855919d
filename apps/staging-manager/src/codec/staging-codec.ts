import type { EventCodecPort } from '@tributary/broker';
import { avroNamespaceFor, pipelineAvroSchemas } from '@tributary/pipelines';
import {
  type AvroRecordSchema,
  createEventCodec,
  type Encoder,
  MAGIC_BYTE,
  type SchemaRegistryPort,
  untypedCodec,
  type UntypedEventCodec,
} from '@tributary/schemas';
import { StagingManagerError } from '../errors.js';
import type { PipelineVersion } from '../types.js';

/** The `event-type` of a `.raw` record (set by the CPM at ingest). */
export const RAW_RECORD_TYPE = 'tributary.data.RawRecord';

/**
 * What a handler publishes to a `.staged` topic: the staged record and the pipeline version whose
 * input schema it follows. Every version's Input has the same full name, so the name alone cannot
 * pick the schema; the envelope does, and only the record is written.
 */
export interface StagedValue {
  readonly version: number;
  readonly record: Record<string, unknown>;
}

export interface StagingCodec extends EventCodecPort {
  /**
   * Registers (once per version and topic) the version's input schema under `<topic>-<Input name>`,
   * so the synchronous encoder of `.staged` values can write it. Call before publishing a record of
   * that version.
   */
  prepareStaged(topic: string, version: PipelineVersion): Promise<void>;
  /** `tributary.data.<ns>.Input`, the record type of a pipeline's `.staged` values. */
  inputTypeOf(pipelineId: string): string;
  close(): Promise<void>;
}

/**
 * The codec port of the staging runners. Decoding: `.raw` values are JSON text, not Avro, so a value
 * whose first byte is not the Confluent magic byte comes out as a RawRecord holding the bytes as
 * they are; everything else (pipeline events) decodes as Avro. Encoding dispatches by topic: the
 * Tributary events through the standard codec, `.staged` Input records through one codec per
 * pipeline version (built once per version, from `pipelineAvroSchemas`).
 */
export function createStagingCodec(registry: SchemaRegistryPort): StagingCodec {
  const events: UntypedEventCodec = untypedCodec(createEventCodec({ registry }));
  // `<pipelineId>@<version>` → that version's codec; `<topic>\0<version>` → its prepared encoder.
  const versionCodecs = new Map<string, { codec: UntypedEventCodec; inputType: string }>();
  const stagedEncoders = new Map<string, Encoder<unknown>>();

  function versionCodec(v: PipelineVersion) {
    const key = `${v.pipelineId}@${v.version}`;
    let entry = versionCodecs.get(key);
    if (!entry) {
      const { input } = pipelineAvroSchemas(v.definition);
      const inputType = `${avroNamespaceFor(v.pipelineId)}.${input.name}`;
      const schemas: Record<string, AvroRecordSchema> = { [inputType]: input };
      entry = { codec: untypedCodec(createEventCodec<Record<string, unknown>>({ registry, schemas })), inputType };
      versionCodecs.set(key, entry);
    }
    return entry;
  }

  const stagedEncoder: Encoder<unknown> = (value) => {
    throw new StagingManagerError('TRIB_STAGING_VERSION_UNKNOWN', `no prepared encoder for ${JSON.stringify(value)?.slice(0, 200)}`);
  };

  return {
    inputTypeOf: (pipelineId) => `${avroNamespaceFor(pipelineId)}.Input`,

    async prepareStaged(topic, version) {
      const key = `${topic}\u0000${version.version}`;
      if (stagedEncoders.has(key)) return;
      const { codec, inputType } = versionCodec(version);
      stagedEncoders.set(key, await codec.encoderFor(topic, inputType));
    },

    encoderFor(topic, type) {
      if (!topic.endsWith('.staged')) return events.encoderFor(topic, type);
      return Promise.resolve((value: unknown) => {
        const staged = value as Partial<StagedValue> | null;
        const encode = staged?.version === undefined ? undefined : stagedEncoders.get(`${topic}\u0000${staged.version}`);
        return encode ? encode(staged?.record) : stagedEncoder(value);
      });
    },

    decode(buffer) {
      if (buffer.length === 0 || buffer[0] !== MAGIC_BYTE) {
        return Promise.resolve({ type: RAW_RECORD_TYPE, schemaId: 0, value: buffer });
      }
      return events.decode(buffer);
    },

    async close() {
      await Promise.all([events.close(), ...[...versionCodecs.values()].map((v) => v.codec.close())]);
      versionCodecs.clear();
      stagedEncoders.clear();
    },
  };
}
