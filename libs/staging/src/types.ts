/**
 * The field types a pipeline's input schema declares, as Avro would store them: `int` is 32-bit,
 * `long` a safe JavaScript integer (|n| ≤ 2^53 − 1), `float` a 32-bit and `double` a 64-bit IEEE
 * number, `timestamp` epoch milliseconds (Avro long, logicalType timestamp-millis).
 */
export type FieldType = 'string' | 'int' | 'long' | 'float' | 'double' | 'boolean' | 'timestamp';

export const FIELD_TYPES: readonly FieldType[] = Object.freeze([
  'string',
  'int',
  'long',
  'float',
  'double',
  'boolean',
  'timestamp',
]);

/**
 * One declared input field. Deliberately minimal and owned here (not imported from the pipeline
 * definition library) so staging logic stays independent of the definition format; the staging
 * manager adapts a definition's fields to this shape.
 */
export interface FieldSpec {
  /** Top-level property name in the record. */
  readonly name: string;
  readonly type: FieldType;
  /** Whether null is an accepted value. Default false. */
  readonly nullable?: boolean;
  /**
   * Value used when the field is absent (and, for a field that is not nullable, when it is null).
   * Checked against `type` with the strict JSON rules when a validator is compiled; a timestamp
   * default may be an ISO-8601 string. `undefined` means "no default".
   */
  readonly default?: unknown;
}

/** The body formats ingest accepts; validation uses it to pick the coercion rules. */
export type IngestFormat = 'json' | 'ndjson' | 'csv';
