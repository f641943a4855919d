import type { schema } from 'avsc';

/** An Avro record schema as JSON (what a .avsc file holds). */
export type AvroRecordSchema = schema.RecordType;
