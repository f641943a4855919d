import type { PipelineDefinition } from '@tributary/pipelines';
import type { ViewOptions } from '../view-options.js';

/** The latest version of one pipeline's definition, as the compacted definitions topic holds it. */
export interface DefinitionEntry {
  readonly pipelineId: string;
  readonly name: string;
  readonly version: number;
  /** Parsed and normalised with @tributary/pipelines `parseDefinition`. */
  readonly definition: PipelineDefinition;
  /** The JSON text as written to the topic. */
  readonly definitionText: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly updatedBy: string;
  /** `event-id` of the command that wrote this version (the message's `causation-id`), when known. */
  readonly causationId: string | undefined;
}

/** Told after each change: the new entry, or undefined when the pipeline was deleted (tombstone). */
export type DefinitionsListener = (pipelineId: string, entry: DefinitionEntry | undefined) => void;

export type DefinitionsViewOptions = ViewOptions;

/** Every pipeline's latest definition, read from `<prefix>.pipeline.definitions`. */
export interface DefinitionsView {
  /** Reads the topic from the beginning; resolves once caught up with its end offsets at start. */
  start(): Promise<void>;
  /** True once `start()` caught up. */
  readonly caughtUp: boolean;
  get(pipelineId: string): DefinitionEntry | undefined;
  /** Every pipeline, by id. */
  list(): DefinitionEntry[];
  /** `listener` is called after each change; returns the unsubscribe function. */
  subscribe(listener: DefinitionsListener): () => void;
  /** Resolves once `condition(view)` holds (checked after every change); rejects TRIB_VIEW_WAIT_TIMEOUT. */
  waitUntil(condition: (view: DefinitionsView) => boolean, timeoutMs: number, what?: string): Promise<void>;
  close(): Promise<void>;
}
