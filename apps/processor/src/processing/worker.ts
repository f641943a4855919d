import { type Checkpoint, type ConsumedEvent, type HandlerContext, UnrecoverableError } from '@tributary/broker';
import { compilePipeline, type CompiledPipeline, type DataRecord, type StageCount } from '@tributary/pipelines';
import type { RecordRejected, RunProgress, StageCounts } from '@tributary/schemas';
import type { PipelineVersion } from '@tributary/pipeline-state';
import type { VersionCodec } from './codec.js';
import { createOutputShaper } from './output.js';
import { DataHeaders, EventNames, type PipelineTopics } from './topics.js';

/** A rejected record keeps at most this much of its JSON text (RecordRejected.record). */
const MAX_RECORD_TEXT = 64 * 1024;

/**
 * Stage states (run × partition) kept at once; the least recently used is forgotten first. Ended
 * replay runs leave states nobody uses again, and this bounds them without knowing when runs end.
 */
const MAX_STAGE_STATES = 256;

export interface PipelineWorkerDeps {
  readonly version: PipelineVersion;
  readonly codec: Pick<VersionCodec, 'output' | 'outputType'>;
  readonly topics: PipelineTopics;
  /** The pipeline's live run now (records without a `run-id` header belong to it). */
  readonly liveRunId: () => string | undefined;
  /** Clock for `reportedAt`/`rejectedAt`. Default `Date.now`. */
  readonly clock?: () => number;
}

/** Counts a worker has not yet committed, per partition and run. */
export type PendingCounts = ReadonlyMap<number, ReadonlyMap<string, readonly StageCount[]>>;

export interface PipelineWorker {
  /** The `.staged` record handler: outputs to `.processed` or `.rejected`, or nothing (filtered). */
  handle(event: ConsumedEvent, ctx: HandlerContext): void;
  /** Publishes one RunProgress per run seen since the partition's last commit (runner `beforeCommit`). */
  beforeCommit(checkpoint: Checkpoint): void;
  /** The partition's batch failed before committing: its records come again (runner `onUncommitted`). */
  onUncommitted(where: { topic: string; partition: number }): void;
  /** What beforeCommit would publish now (for tests and diagnostics). */
  readonly pending: PendingCounts;
}

/**
 * Applies one pipeline version to `.staged` records. Stage state (dedupe windows) lives in a compiled
 * pipeline per (run id, partition): a replay never shares dedupe state with the live run, and a
 * partition's state never mixes with another's. Counts are kept per partition and run until the
 * runner commits them, so each RunProgress counts exactly the records of its transaction.
 */
export function createPipelineWorker(deps: PipelineWorkerDeps): PipelineWorker {
  const { version, topics } = deps;
  const clock = deps.clock ?? Date.now;
  const shape = createOutputShaper(deps.codec.output);
  const outputType = deps.codec.outputType;
  const pipelineVersion = String(version.version);
  const stateByRunPartition = new Map<string, CompiledPipeline>();
  const pending = new Map<number, Map<string, StageCount[]>>();

  function compiledFor(runId: string, partition: number): CompiledPipeline {
    const key = `${partition}\u0000${runId}`;
    let compiled = stateByRunPartition.get(key);
    if (compiled) {
      // Map order is recency order: move it to the end.
      stateByRunPartition.delete(key);
    } else {
      compiled = compilePipeline(version.definition);
      if (stateByRunPartition.size >= MAX_STAGE_STATES) {
        const oldest = stateByRunPartition.keys().next();
        if (oldest.done !== true) stateByRunPartition.delete(oldest.value);
      }
    }
    stateByRunPartition.set(key, compiled);
    return compiled;
  }

  function addCounts(partition: number, runId: string, counts: readonly StageCount[]): void {
    let runs = pending.get(partition);
    if (!runs) pending.set(partition, (runs = new Map<string, StageCount[]>()));
    const total = runs.get(runId);
    if (!total) {
      runs.set(runId, counts.map((c) => ({ ...c })));
      return;
    }
    counts.forEach((c, i) => {
      const t = total[i];
      if (!t) return;
      t.in += c.in;
      t.out += c.out;
      t.error += c.error;
    });
  }

  function reject(event: ConsumedEvent, ctx: HandlerContext, at: { recordId: string; runId: string; replay: boolean; stage: string; message: string }): void {
    const value: RecordRejected = {
      pipelineId: version.pipelineId,
      runId: at.replay ? at.runId : null,
      recordId: at.recordId,
      batchId: event.headers[DataHeaders.batchId] ?? null,
      stage: at.stage,
      sourceTopic: event.topic,
      sourcePartition: event.partition,
      sourceOffset: Number(event.offset),
      record: (JSON.stringify(event.value) ?? 'null').slice(0, MAX_RECORD_TEXT),
      errors: [{ field: null, code: 'TRIB_STAGE_FAILED', message: at.message }],
      rejectedAt: clock(),
    };
    const headers: Record<string, string> = { [DataHeaders.recordId]: at.recordId, [DataHeaders.pipelineVersion]: pipelineVersion };
    if (at.replay) headers[DataHeaders.runId] = at.runId;
    ctx.publish(topics.rejected, EventNames.recordRejected, value, { key: at.recordId, eventId: `rejected:${sourceId(event)}`, headers });
  }

  return {
    get pending() {
      return pending;
    },

    handle(event, ctx) {
      const replayRunId = event.headers[DataHeaders.runId];
      const runId = replayRunId ?? deps.liveRunId();
      if (runId === undefined) {
        // A live record while no live run exists: nothing to count it against. Dead-lettered, so it
        // can be redriven once a run exists, rather than silently lost.
        throw new UnrecoverableError(`pipeline ${version.pipelineId} has no live run for a record without run-id`, 'TRIB_PROCESSOR_NO_RUN');
      }
      const replay = replayRunId !== undefined;
      const recordId = event.headers[DataHeaders.recordId] ?? event.key ?? sourceId(event);
      const compiled = compiledFor(runId, event.partition);
      // The broker timestamp is the arrival time: a replay of the same records dedupes the same way.
      const result = compiled.applyBatch([event.value as DataRecord], { now: event.timestamp });
      const counts = result.counts;
      const error = result.errors[0];
      const output = result.outputs[0];
      if (error) {
        addCounts(event.partition, runId, counts);
        reject(event, ctx, { recordId, runId, replay, stage: error.stage, message: error.message });
        return;
      }
      if (!output) {
        // Filtered or deduplicated: counted (in without out), never written.
        addCounts(event.partition, runId, counts);
        return;
      }
      const shaped = shape(output);
      if (!shaped.ok) {
        // The last stage emitted something the Output schema cannot hold: its error, not a crash.
        const last = counts[counts.length - 1];
        if (last) {
          last.out -= 1;
          last.error += 1;
        }
        addCounts(event.partition, runId, counts);
        reject(event, ctx, { recordId, runId, replay, stage: last?.stage ?? 'output', message: shaped.message });
        return;
      }
      addCounts(event.partition, runId, counts);
      ctx.publish(topics.processed, outputType, shaped.value, {
        key: recordId,
        // Stable across redeliveries, so a consumer of `.processed` can dedupe by event id.
        eventId: `processed:${sourceId(event)}`,
        headers: { [DataHeaders.recordId]: recordId, [DataHeaders.pipelineVersion]: pipelineVersion, [DataHeaders.runId]: runId },
      });
    },

    beforeCommit(checkpoint) {
      const runs = pending.get(checkpoint.partition);
      if (!runs) return;
      pending.delete(checkpoint.partition);
      const reportedAt = clock();
      for (const [runId, counts] of runs) {
        const value: RunProgress = { pipelineId: version.pipelineId, runId, stages: counts.map(toStageCounts), reportedAt };
        checkpoint.publish(topics.events, EventNames.runProgress, value, { key: version.pipelineId });
      }
    },

    onUncommitted({ partition }) {
      pending.delete(partition);
      // The stage state already saw the records that will come again; kept, it would call them
      // duplicates of themselves. Forgetting the partition's windows may let an older duplicate
      // through once, which is the lesser harm (dedupe trims, it does not guarantee).
      for (const key of stateByRunPartition.keys()) {
        if (key.startsWith(`${partition}\u0000`)) stateByRunPartition.delete(key);
      }
    },
  };
}

function toStageCounts(c: StageCount): StageCounts {
  return { stage: c.stage, recordsIn: c.in, recordsOut: c.out, recordsErrored: c.error };
}

function sourceId(event: ConsumedEvent): string {
  return `${event.topic}/${event.partition}/${event.offset}`;
}
