import type { EventCodecPort } from '@tributary/broker';
import { avroNamespaceFor, pipelineAvroSchemas, type PipelineDefinition } from '@tributary/pipelines';
import { type AvroRecordSchema, createEventCodec, eventSchemas, type SchemaRegistryPort, untypedCodec, type UntypedEventCodec } from '@tributary/schemas';

/** The codec of one pipeline version and the names of its data records. */
export interface VersionCodec {
  readonly codec: EventCodecPort & Pick<UntypedEventCodec, 'close'>;
  /** `tributary.data.<ns>.Input`: the type of `.staged` records. */
  readonly inputType: string;
  /** `tributary.data.<ns>.Output`: the type of `.processed` records. */
  readonly outputType: string;
  readonly input: AvroRecordSchema;
  readonly output: AvroRecordSchema;
}

/**
 * A codec that knows the Tributary events and this version's Input and Output schemas. `.staged`
 * records written by another version are decoded in this version's (the reader's) view, which
 * BACKWARD_TRANSITIVE registration guarantees is possible for older writers.
 */
export function createVersionCodec(registry: SchemaRegistryPort, definition: PipelineDefinition): VersionCodec {
  const { input, output } = pipelineAvroSchemas(definition);
  const namespace = avroNamespaceFor(definition.id);
  const inputType = `${namespace}.${input.name}`;
  const outputType = `${namespace}.${output.name}`;
  const schemas: Record<string, AvroRecordSchema> = { ...eventSchemas, [inputType]: input, [outputType]: output };
  const codec = untypedCodec(createEventCodec<Record<string, unknown>>({ registry, schemas }));
  return { codec, inputType, outputType, input, output };
}
