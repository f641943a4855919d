import type { EnrichMissingPolicy, KafkaSink } from './types.js';

/** Defaults of pipeline definitions and compiled pipelines, in one place. */
export const pipelineDefaults = {
  /** Priority band of a pipeline's commands when the definition names none. */
  priority: 'normal',
  /** Where results go when a definition names no sink: `tributary.data.<id>.processed`. */
  sink: { type: 'kafka', topic: 'processed' } satisfies KafkaSink,
  /** Enrich lookups that find no row set the enriched fields to null rather than failing the record. */
  enrichMissing: 'null' satisfies EnrichMissingPolicy,
  /**
   * Keys a dedupe stage remembers at once. 100k keys of ~100 bytes is ~10 MB per partition: enough
   * for a 10-minute window at ~150 distinct records/s per partition; beyond it the oldest key is
   * forgotten first (a late duplicate may then pass).
   */
  dedupeMaxKeys: 100_000,
  /** Longest dedupe window: state is in memory, so windows are minutes to hours, not weeks. */
  dedupeMaxWindowMs: 7 * 24 * 60 * 60 * 1000,
  /**
   * Parse-time limits on one expression: a definition is user input and must not be able to make the
   * checker or evaluator do unbounded work.
   */
  expressionLimits: { maxAstNodes: 500, maxDepth: 50, maxListElements: 100, maxMapEntries: 100, maxCallArguments: 8 },
  /** Longest expression source accepted, in characters. */
  expressionMaxLength: 2000,
} as const;
