import type { schema } from 'avsc';
import type { AvroRecordSchema } from '@tributary/schemas';
import type { FieldDeclaration, FieldType, PipelineDefinition } from './types.js';
import { outputSchema } from './definition/validate.js';

export interface AvroNaming {
  /** Record name, e.g. `Input` or `Output`. */
  readonly name: string;
  /** Dotted namespace, e.g. `tributary.data.orders`. */
  readonly namespace: string;
  readonly doc?: string;
}

/**
 * An Avro record schema for flat records of `fields`. `timestamp` is a long with logical type
 * timestamp-millis; a nullable field is `["null", T]` with default null (so readers of older data
 * get null, as BACKWARD_TRANSITIVE needs), or `[T, "null"]` when it declares a non-null default.
 */
export function toAvroSchema(fields: readonly FieldDeclaration[], naming: AvroNaming): AvroRecordSchema {
  const schema: AvroRecordSchema = {
    type: 'record',
    name: naming.name,
    namespace: naming.namespace,
    fields: fields.map((f) => {
      const base = avroType(f.type);
      const hasDefault = f.default !== undefined && f.default !== null;
      let field: AvroRecordSchema['fields'][number];
      if (f.nullable !== true) field = hasDefault ? { name: f.name, type: base, default: f.default } : { name: f.name, type: base };
      // A union's default must match its first branch, so a non-null default puts the type first.
      else field = hasDefault ? { name: f.name, type: [base, 'null'], default: f.default } : { name: f.name, type: ['null', base], default: null };
      if (f.doc !== undefined) field.doc = f.doc;
      return field;
    }),
  };
  if (naming.doc !== undefined) schema.doc = naming.doc;
  return schema;
}

function avroType(type: FieldType): schema.PrimitiveType | schema.LogicalType {
  return type === 'timestamp' ? { type: 'long', logicalType: 'timestamp-millis' } : type;
}

/**
 * `tributary.data.<id>` as an Avro namespace. Pipeline ids may hold `-` and start with a digit, which
 * Avro names may not: `-` becomes `_` and a leading digit gets a `_` before it (`2fa-x` → `_2fa_x`).
 * Two ids that map to the same namespace still register under different subjects (the topic is
 * part of the subject), so they never clash.
 */
export function avroNamespaceFor(pipelineId: string): string {
  const segment = pipelineId.replaceAll('-', '_');
  return `tributary.data.${/^[0-9]/.test(segment) ? `_${segment}` : segment}`;
}

/** The schemas to register for a pipeline's input (`.raw`/`.staged`) and output (`.processed`) topics. */
export function pipelineAvroSchemas(definition: PipelineDefinition): { input: AvroRecordSchema; output: AvroRecordSchema } {
  const namespace = avroNamespaceFor(definition.id);
  return {
    input: toAvroSchema(definition.input.schema, { name: 'Input', namespace, doc: `Input records of pipeline ${definition.id}` }),
    output: toAvroSchema(outputSchema(definition), { name: 'Output', namespace, doc: `Output records of pipeline ${definition.id}` }),
  };
}
