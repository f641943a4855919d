import type { PipelineState, PipelinesState, ProcessorState, RunState } from '../run-state/index.js';
import type { ViewOptions } from '../view-options.js';

/** One event as the view applied it: decoded value plus where it came from and its standard headers. */
export interface ViewEvent {
  readonly type: string;
  readonly value: unknown;
  readonly key: string | null;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** Broker timestamp, epoch ms. */
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly eventId: string;
  /** `correlation-id` header (the HTTP request id for command answers); the event id when absent. */
  readonly correlationId: string;
  /** `causation-id` header: the event id of the command or event that caused this one. */
  readonly causationId: string | undefined;
}

/** Told after each applied event with the state that event produced. */
export type PipelineEventsListener = (event: ViewEvent, state: PipelinesState) => void;

export interface PipelineEventsViewOptions extends ViewOptions {
  /** Clock for processor liveness. Default `Date.now`. */
  readonly clock?: () => number;
  /** How long events stay findable by correlation id after they were applied. Default 5 min. */
  readonly correlationRetentionMs?: number;
  /** Most correlation (and causation) ids remembered; the oldest are forgotten first. Default 10 000. */
  readonly maxRememberedIds?: number;
  /** Runs kept per pipeline. Default 50. */
  readonly maxRuns?: number;
}

export const pipelineEventsViewDefaults = {
  correlationRetentionMs: 5 * 60_000,
  maxRememberedIds: 10_000,
  maxRuns: 50,
} as const;

export interface WaitForCorrelationOptions {
  /** Only events of these types answer (e.g. PipelineDeleted rather than the RunStopped before it). Default: any. */
  readonly types?: readonly string[];
}

/** Run state of every pipeline from `<prefix>.pipeline.events` and `<prefix>.staging.events`. */
export interface PipelineEventsView {
  /** Reads both topics from the beginning; resolves once caught up with their end offsets at start. */
  start(): Promise<void>;
  readonly caughtUp: boolean;
  /** The whole state (immutable snapshot). */
  state(): PipelinesState;
  pipeline(pipelineId: string): PipelineState | undefined;
  pipelines(): PipelineState[];
  /** Recent runs of a pipeline, newest first; empty for an unknown pipeline. */
  runs(pipelineId: string): readonly RunState[];
  run(pipelineId: string, runId: string): RunState | undefined;
  /** Processors that announced themselves within their last three intervals. */
  processors(): ProcessorState[];
  /**
   * The first event carrying `correlationId` (and of one of `options.types`), including one applied
   * in the last few minutes before the call. Rejects with TRIB_CORRELATION_TIMEOUT after `timeoutMs`.
   */
  waitForCorrelation(correlationId: string, timeoutMs: number, options?: WaitForCorrelationOptions): Promise<ViewEvent>;
  /** Recently applied events whose `causation-id` is `eventId` (outputs of that command), oldest first. */
  causedBy(eventId: string): readonly ViewEvent[];
  /** Resolves once `condition(view)` holds (checked after every event); rejects TRIB_VIEW_WAIT_TIMEOUT. */
  waitUntil(condition: (view: PipelineEventsView) => boolean, timeoutMs: number, what?: string): Promise<void>;
  /** `listener` is called after each applied event (live streaming); returns the unsubscribe function. */
  subscribe(listener: PipelineEventsListener): () => void;
  close(): Promise<void>;
}
