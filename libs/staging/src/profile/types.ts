/**
 * Profile of one field, shaped exactly like `tributary.staging.FieldProfile` (the `fields` items of
 * the StagingBatchCompleted event), so `snapshot().fields` goes into the event as it is.
 */
export interface FieldProfile {
  /** Field name. */
  field: string;
  /** Records where the field is present and not null. */
  valueCount: number;
  /** Records where the field is null or missing. */
  nullCount: number;
  /**
   * Smallest value: a number for int/long/float/double and for timestamps (epoch ms), a string in
   * lexical (UTF-16 code unit) order for strings; null for booleans and when no value was seen.
   */
  min: number | string | null;
  /** Largest value, same conventions as min. */
  max: number | string | null;
}

/** Lengths of a string field's values, in UTF-16 code units (JavaScript `length`). */
export interface TextLengthProfile {
  field: string;
  /** Shortest value; null when no value was seen. */
  minLength: number | null;
  /** Longest value; null when no value was seen. */
  maxLength: number | null;
}

/** What a profiler has accumulated; plain data (a copy), safe to keep or serialize. */
export interface BatchProfile {
  /** Records added. */
  recordCount: number;
  /** One entry per declared field, in declaration order. */
  fields: FieldProfile[];
  /** One entry per declared string field, in declaration order (not part of the Avro event). */
  textLengths: TextLengthProfile[];
}

export interface FieldProfiler {
  /** Accounts for one staged record (the output of a validator; undeclared fields are ignored). */
  add(record: Readonly<Record<string, unknown>>): void;
  /** The profile so far. Does not reset: one profiler per batch. */
  snapshot(): BatchProfile;
}
