import type { EventCodecPort } from '@tributary/broker';
import { avroNamespaceFor, pipelineAvroSchemas, type PipelineDefinition } from '@tributary/pipelines';
import { type AvroRecordSchema, createEventCodec, eventSchemas, type SchemaRegistryPort, untypedCodec, type UntypedEventCodec } from '@tributary/schemas';

/** The codec of one pipeline version's output records, plus the Tributary events. */
export interface OutputCodec {
  readonly codec: EventCodecPort & Pick<UntypedEventCodec, 'close'>;
  /** `tributary.data.<ns>.Output`: the type of `.processed` and `.validated` records. */
  readonly outputType: string;
  readonly output: AvroRecordSchema;
}

/**
 * `.processed` records written by an older version are decoded in this version's view (the reader's),
 * which BACKWARD_TRANSITIVE registration guarantees; `.validated` is written with the same schema, so
 * a validated record is byte-for-byte the processed one's type under its own subject.
 */
export function createOutputCodec(registry: SchemaRegistryPort, definition: PipelineDefinition): OutputCodec {
  const { output } = pipelineAvroSchemas(definition);
  const outputType = `${avroNamespaceFor(definition.id)}.${output.name}`;
  const schemas: Record<string, AvroRecordSchema> = { ...eventSchemas, [outputType]: output };
  const codec = untypedCodec(createEventCodec<Record<string, unknown>>({ registry, schemas }));
  return { codec, outputType, output };
}
