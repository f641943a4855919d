import { avroNamespaceFor, type PipelineDefinition, pipelineAvroSchemas } from '@tributary/pipelines';
import {
  assertReadsEveryVersion,
  codecAvroType,
  createEventCodec,
  type SchemaRegistryPort,
  subjectName,
  untypedCodec,
} from '@tributary/schemas';

/** The Avro subjects of a pipeline's data: input on `.staged`, output on `.processed` and `.validated`. */
export function pipelineSubjects(prefix: string, definition: PipelineDefinition) {
  const ns = avroNamespaceFor(definition.id);
  const schemas = pipelineAvroSchemas(definition);
  const staged = `${prefix}.data.${definition.id}.staged`;
  const processed = `${prefix}.data.${definition.id}.processed`;
  const validated = `${prefix}.data.${definition.id}.validated`;
  return [
    { topic: staged, type: `${ns}.Input`, schema: schemas.input, subject: subjectName(staged, `${ns}.Input`) },
    { topic: processed, type: `${ns}.Output`, schema: schemas.output, subject: subjectName(processed, `${ns}.Output`) },
    { topic: validated, type: `${ns}.Output`, schema: schemas.output, subject: subjectName(validated, `${ns}.Output`) },
  ];
}

/**
 * Refuses a definition whose schemas could not read what earlier versions wrote (throws the codec's
 * SchemaIncompatibleError, which names the field). Every subject is checked before any is
 * registered, so a refused change leaves the registry as it was.
 */
export async function checkPipelineSchemas(registry: SchemaRegistryPort, prefix: string, definition: PipelineDefinition): Promise<void> {
  for (const s of pipelineSubjects(prefix, definition)) {
    assertReadsEveryVersion(s.subject, codecAvroType(s.schema), await registry.versions(s.subject));
  }
}

/** Registers the input and output schemas (idempotent: an already registered schema is only looked up). */
export async function registerPipelineSchemas(registry: SchemaRegistryPort, prefix: string, definition: PipelineDefinition): Promise<void> {
  const subjects = pipelineSubjects(prefix, definition);
  const codec = untypedCodec(createEventCodec({ registry, schemas: Object.fromEntries(subjects.map((s) => [s.type, s.schema])) }));
  try {
    for (const s of subjects) await codec.encoderFor(s.topic, s.type);
  } finally {
    await codec.close();
  }
}
