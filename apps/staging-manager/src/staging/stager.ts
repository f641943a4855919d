import { type BrokerLogger, type Checkpoint, type ConsumedEvent, type HandlerContext, UnrecoverableError } from '@tributary/broker';
import type { RecordRejected } from '@tributary/schemas';
import type { StagedValue, StagingCodec } from '../codec/staging-codec.js';
import { BatchAggregate } from './batch-aggregate.js';
import { CommitJournal, type PartitionRef } from './commit-journal.js';
import { RollbackableDeduper } from './dedupe.js';
import { DataHeaders, rejectedRecordText, stageRawRecord } from './stage-record.js';
import type { StagingTopics } from './topics.js';
import type { VersionPlan, VersionPlans } from './version-plan.js';

const RECORD_REJECTED = 'tributary.staging.RecordRejected';
const BATCH_COMPLETED = 'tributary.staging.StagingBatchCompleted';

export interface StagerDeps {
  plans: VersionPlans;
  topics: StagingTopics;
  codec: StagingCodec;
  logger: BrokerLogger;
  clock: () => number;
  maxRejectedRecordBytes: number;
  /** Set for a replay: written as `run-id`, in event ids and in StagingBatchCompleted. */
  runId?: string;
  /** A replay's slice: records outside it are skipped (no output, not counted). Default: all. */
  accepts?: (where: PartitionRef & { offset: string }) => boolean;
}

/** Totals since start, for logs, tests and the replay's RunStopped. */
export interface StagingTotals {
  staged: number;
  rejected: number;
  duplicates: number;
}

interface JournalItem {
  readonly pipelineId: string;
  readonly dedupeKey: string | undefined;
  readonly outcome: 'staged' | 'rejected' | 'duplicate';
}

export interface Stager {
  /** The handler of `tributary.data.RawRecord` for the consumer runner. */
  handleRawRecord(event: ConsumedEvent, ctx: HandlerContext): Promise<void>;
  beforeCommit(checkpoint: Checkpoint): void;
  onUncommitted(where: PartitionRef): void;
  /** What committed (or is committing); `confirmAll` first when the offsets are known to be committed. */
  totals(): StagingTotals;
  confirmAll(): void;
}

/**
 * The staging of `.raw` records, shared by the live runner and replays: parse, validate, dedupe,
 * queue `.staged` / `.rejected` outputs in the runner's transaction, and one StagingBatchCompleted per
 * partition per commit. Dedupe state and aggregates follow the commits: what an aborted transaction
 * did is undone (see CommitJournal), so a redelivered record is neither lost nor counted twice.
 */
export function createStager(deps: StagerDeps): Stager {
  const { plans, topics, codec, clock, runId } = deps;
  const logger = deps.logger.child({ component: 'stager', ...(runId ? { runId } : {}) });
  const aggregates = new Map<string, BatchAggregate>();
  // Dedupe state per pipeline, replaced when the pipeline's dedupe settings change.
  const dedupers = new Map<string, { signature: string; deduper: RollbackableDeduper }>();
  const committed: StagingTotals = { staged: 0, rejected: 0, duplicates: 0 };
  const count = (totals: StagingTotals, items: JournalItem[], sign: 1 | -1 = 1) => {
    for (const i of items) {
      if (i.outcome === 'staged') totals.staged += sign;
      else if (i.outcome === 'rejected') totals.rejected += sign;
      else totals.duplicates += sign;
    }
  };
  const journal = new CommitJournal<JournalItem>((items) => count(committed, items));
  const aggregateKey = (p: PartitionRef) => `${p.topic}\u0000${p.partition}`;

  function deduperOf(plan: VersionPlan): RollbackableDeduper | undefined {
    if (!plan.dedupe) return undefined;
    const signature = `${plan.dedupe.windowMs}/${plan.dedupe.maxKeys ?? ''}/${plan.dedupe.keyFields.join(',')}`;
    let entry = dedupers.get(plan.pipelineId);
    if (entry?.signature !== signature) {
      entry = { signature, deduper: new RollbackableDeduper(plan.dedupe) };
      dedupers.set(plan.pipelineId, entry);
    }
    return entry.deduper;
  }

  const eventIdOf = (recordId: string) => (runId ? `${runId}:${recordId}` : recordId);

  return {
    async handleRawRecord(event, ctx) {
      const where = { topic: event.topic, partition: event.partition };
      journal.confirm(where);
      if (deps.accepts && !deps.accepts({ ...where, offset: event.offset })) return;
      const pipelineId = topics.pipelineIdOfRaw(event.topic);
      const plan = pipelineId === undefined ? undefined : plans.current(pipelineId);
      if (!plan) {
        // The pipeline was deleted; its topic leaves the subscription at the next restart.
        logger.debug({ topic: event.topic, offset: event.offset }, 'record of an unknown pipeline skipped');
        return;
      }
      if (!Buffer.isBuffer(event.value)) throw new UnrecoverableError('a .raw value must be bytes', 'TRIB_RECORD_MALFORMED');
      const outcome = stageRawRecord(
        { value: event.value, headers: event.headers, topic: event.topic, partition: event.partition, offset: event.offset },
        plan,
      );
      const stagedTopic = topics.staged(plan.pipelineId);
      if (outcome.kind === 'staged') {
        if (!plan.inputType.isValid(outcome.record)) {
          // Validation and the Avro schema come from the same declaration; a gap is a bug: dead-letter it.
          throw new UnrecoverableError(`staged record does not fit the Avro input of ${plan.pipelineId} v${plan.version}`, 'TRIB_STAGING_NOT_ENCODABLE');
        }
        await codec.prepareStaged(stagedTopic, plan);
      }

      // Synchronous from here on: a retry of this message never finds half of its state changed.
      const key = aggregateKey(where);
      let aggregate = aggregates.get(key);
      if (!aggregate) aggregates.set(key, (aggregate = new BatchAggregate(plan.pipelineId, plan.fields, clock())));
      const runHeader: Record<string, string> = runId ? { [DataHeaders.runId]: runId } : {};

      if (outcome.kind === 'rejected') {
        const value: RecordRejected = {
          pipelineId: plan.pipelineId,
          runId: runId ?? null,
          recordId: outcome.recordId,
          batchId: outcome.batchId ?? null,
          stage: 'staging',
          sourceTopic: event.topic,
          sourcePartition: event.partition,
          sourceOffset: Number(event.offset),
          record: rejectedRecordText(event.value, deps.maxRejectedRecordBytes),
          errors: outcome.errors,
          rejectedAt: clock(),
        };
        ctx.publish(topics.rejected(plan.pipelineId), RECORD_REJECTED, value, {
          key: outcome.recordId,
          eventId: eventIdOf(outcome.recordId),
          headers: runHeader,
        });
        aggregate.rejected();
        journal.add(where, { pipelineId: plan.pipelineId, dedupeKey: undefined, outcome: 'rejected' });
        return;
      }

      const deduper = deduperOf(plan);
      if (deduper && outcome.dedupeKey !== undefined && deduper.isDuplicate(outcome.dedupeKey, event.timestamp)) {
        aggregate.duplicate();
        journal.add(where, { pipelineId: plan.pipelineId, dedupeKey: undefined, outcome: 'duplicate' });
        return;
      }
      const value: StagedValue = { version: plan.version, record: outcome.record };
      const headers: Record<string, string> = { [DataHeaders.recordId]: outcome.recordId, [DataHeaders.pipelineVersion]: String(plan.version), ...runHeader };
      if (outcome.batchId !== undefined) headers[DataHeaders.batchId] = outcome.batchId;
      ctx.publish(stagedTopic, codec.inputTypeOf(plan.pipelineId), value, { key: outcome.recordId, eventId: eventIdOf(outcome.recordId), headers });
      aggregate.staged(outcome.record);
      journal.add(where, { pipelineId: plan.pipelineId, dedupeKey: deduper ? outcome.dedupeKey : undefined, outcome: 'staged' });
    },

    beforeCommit(checkpoint) {
      journal.checkpoint(checkpoint);
      const key = aggregateKey(checkpoint);
      const aggregate = aggregates.get(key);
      aggregates.delete(key);
      if (!aggregate || aggregate.recordsIn === 0) return;
      const event = aggregate.toEvent({ ...checkpoint, runId: runId ?? null, completedAt: clock() });
      checkpoint.publish(topics.stagingEvents, BATCH_COMPLETED, event, { key: aggregate.pipelineId, eventId: event.batchId });
    },

    onUncommitted(where) {
      aggregates.delete(aggregateKey(where));
      const undone = journal.rollback(where);
      for (const item of undone) {
        if (item.dedupeKey !== undefined) dedupers.get(item.pipelineId)?.deduper.forget([item.dedupeKey]);
      }
      if (undone.length > 0) logger.warn({ ...where, records: undone.length }, 'batch not committed; its records will be staged again');
    },

    totals() {
      const totals = { ...committed };
      count(totals, journal.inFlight());
      return totals;
    },

    confirmAll: () => journal.confirmAll(),
  };
}
