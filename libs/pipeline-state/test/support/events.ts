import type {
  PipelineCreated,
  ProcessorAnnounced,
  RunFailed,
  RunProgress,
  RunStarted,
  RunStopped,
  StagingBatchCompleted,
} from '@tributary/schemas';
import type { StateEvent } from '../../src/index.js';

/** A definition with two processor stages, one without an id (so it is named `<type>-<index>`). */
export const definitionText = JSON.stringify({
  id: 'orders',
  name: 'Orders',
  input: { schema: [{ name: 'id', type: 'string' }, { name: 'price', type: 'double' }] },
  priority: 'normal',
  stages: [
    { id: 'totals', type: 'derive', fields: { total: 'price * 2' } },
    { type: 'filter', where: 'total > 0' },
  ],
  sinks: [{ type: 'kafka', topic: 'processed' }],
});

const at = 1_700_000_000_000;

export const created = (over: Partial<PipelineCreated> = {}): StateEvent => ({
  type: 'tributary.pipeline.PipelineCreated',
  value: { pipelineId: 'orders', name: 'Orders', version: 1, definition: definitionText, createdBy: 'ann', createdAt: at, ...over },
});

export const updated = (version: number, definition = definitionText): StateEvent => ({
  type: 'tributary.pipeline.PipelineUpdated',
  value: { pipelineId: 'orders', version, definition, updatedBy: 'ann', updatedAt: at + version },
});

export const deleted = (): StateEvent => ({
  type: 'tributary.pipeline.PipelineDeleted',
  value: { pipelineId: 'orders', lastVersion: 1, reason: null, deletedBy: 'ann', deletedAt: at + 100 },
});

export const started = (runId: string, over: Partial<RunStarted> = {}): StateEvent => ({
  type: 'tributary.pipeline.RunStarted',
  value: {
    pipelineId: 'orders',
    runId,
    pipelineVersion: 1,
    mode: 'live',
    replayFrom: null,
    replayUntil: null,
    startedBy: 'ann',
    startedAt: at + 10,
    ...over,
  } satisfies RunStarted,
});

export const stopped = (runId: string, reason: string | null = 'requested'): StateEvent => ({
  type: 'tributary.pipeline.RunStopped',
  value: { pipelineId: 'orders', runId, reason, stoppedBy: 'ann', stoppedAt: at + 50 } satisfies RunStopped,
});

export const failed = (runId: string, stage: string | null = 'totals'): StateEvent => ({
  type: 'tributary.pipeline.RunFailed',
  value: { pipelineId: 'orders', runId, reason: 'too many errors', errorCode: 'TRIB_RUN_ERROR_RATE', stage, failedAt: at + 60 } satisfies RunFailed,
});

export const progress = (runId: string, stages: [string, number, number, number][]): StateEvent => ({
  type: 'tributary.pipeline.RunProgress',
  value: {
    pipelineId: 'orders',
    runId,
    stages: stages.map(([stage, recordsIn, recordsOut, recordsErrored]) => ({ stage, recordsIn, recordsOut, recordsErrored })),
    reportedAt: at + 20,
  } satisfies RunProgress,
});

export const batch = (runId: string | null, recordsIn: number, recordsStaged: number, recordsRejected: number): StateEvent => ({
  type: 'tributary.staging.StagingBatchCompleted',
  value: {
    pipelineId: 'orders',
    runId,
    batchId: `b-${recordsIn}-${recordsStaged}`,
    sourceTopic: 't.data.orders.raw',
    sourcePartition: 0,
    firstOffset: 0,
    lastOffset: recordsIn - 1,
    recordsIn,
    recordsStaged,
    recordsRejected,
    fields: [],
    startedAt: at + 15,
    completedAt: at + 16,
  } satisfies StagingBatchCompleted,
});

export const announced = (pipelines: string[], paused: string[], announcedAt = at + 30): StateEvent => ({
  type: 'tributary.pipeline.ProcessorAnnounced',
  value: {
    processorId: 'proc-1',
    url: 'http://127.0.0.1:8090',
    pipelines,
    paused,
    intervalMs: 10_000,
    startedAt: at,
    announcedAt,
  } satisfies ProcessorAnnounced,
});

export const rejected = (): StateEvent => ({
  type: 'tributary.pipeline.CommandRejected',
  value: {
    pipelineId: 'orders',
    command: 'tributary.pipeline.CreatePipeline',
    code: 'TRIB_PIPELINE_EXISTS',
    message: 'exists',
    details: null,
    requestedBy: 'ann',
    rejectedAt: at,
  },
});
