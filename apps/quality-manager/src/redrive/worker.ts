import { type BrokerLogger, type ConsumedEvent, createConsumerRunner, type ConsumerRunner, type HandlerContext, type MessagingMetricsPort, type Publisher } from '@tributary/broker';
import type { PipelineVersion } from '@tributary/pipeline-state';
import { outputSchema } from '@tributary/pipelines';
import { pipelineRuleSet, type RuleEvaluator } from '@tributary/quality-rules';
import type { QuarantinedRecord, QuarantineRedriveCompleted, QuarantineRedriveProgressed, SchemaRegistryPort } from '@tributary/schemas';
import type { Admin, Kafka } from 'kafkajs';
import { createOutputCodec } from '../checking/codec.js';
import { QualityHeaders, qualityTopics } from '../checking/topics.js';
import type { QualityManagerOptions } from '../options.js';
import { type Judge, rejudge } from './judge.js';
import { REDRIVE_ID_HEADER, RedriveEventNames, redriveGroupId, redriveTransactionalId } from './names.js';
import type { RedriveOptions } from './options.js';
import type { OffsetRange, Redrive } from './types.js';

export interface RedriveWorkerDeps {
  kafka: Kafka;
  /** Shared with the service: offsets of the redrive's group. */
  admin: Admin;
  registry: SchemaRegistryPort;
  publisher: Publisher;
  topicPrefix: string;
  instanceId: string;
  /** `<prefix>.quality.events`. */
  eventsTopic: string;
  redrive: Redrive;
  /** The pipeline's current definition: the rules records are judged by now. */
  version: PipelineVersion;
  /** The redrive as the ledger has it, read up to the events topic's end: its progress sums. */
  ledger: { catchUp(timeoutMs: number): Promise<void>; get(pipelineId: string, redriveId: string): Redrive | undefined };
  logger: BrokerLogger;
  metrics?: MessagingMetricsPort;
  options: Pick<QualityManagerOptions, 'commitEvery' | 'sessionTimeoutMs' | 'shutdownTimeoutMs' | 'maxAttempts' | 'retryInitialDelayMs'> &
    Pick<RedriveOptions, 'completionCheckMs' | 'catchUpTimeoutMs'>;
  clock?: () => number;
}

export interface RedriveWorker {
  readonly redrive: Redrive;
  /** Definition version the worker judges with. */
  readonly version: number;
  readonly consumer: ConsumerRunner;
  /** Sets the group's start offsets (first start only), joins the group, starts checking for completion. */
  start(): Promise<void>;
  close(): Promise<void>;
}

interface Moved {
  validated: number;
  requarantined: number;
}

/**
 * Moves the records of one redrive: a transactional consumer of the pipeline's `.quarantine` in the
 * redrive's own group (more instances split the partitions). Records outside the redrive's ranges are
 * passed over; each one inside is judged by the current rules and written to `.validated` or back to
 * `.quarantine`, and the counts of each transaction are published in it (QuarantineRedriveProgressed),
 * so records, counts and offsets commit together: exactly once, also across a kill -9.
 *
 * Completion: the ranges end right after their last record (see plan.ts), so the redrive is complete
 * when the group's committed offset reached every range's end. The member that holds the lowest
 * partition checks, sums the progress events and publishes QuarantineRedriveCompleted.
 */
export function createRedriveWorker(deps: RedriveWorkerDeps): RedriveWorker {
  const { redrive, version, options, topicPrefix, admin } = deps;
  const { pipelineId, redriveId } = redrive;
  const clock = deps.clock ?? Date.now;
  const logger = deps.logger.child({ pipelineId, redriveId, version: version.version });
  const topics = qualityTopics(topicPrefix, pipelineId);
  const groupId = redriveGroupId(topicPrefix, pipelineId, redriveId);
  const rangeOf = new Map<number, OffsetRange>(redrive.ranges.map((r) => [r.partition, r]));
  const openRanges = redrive.ranges.filter((r) => r.endOffset > r.startOffset);
  const owner = Math.min(...redrive.ranges.map((r) => r.partition), Number.POSITIVE_INFINITY);
  const judge: Judge = { rules: pipelineRuleSet(version.definition), fields: outputSchema(version.definition) };
  const outputCodec = createOutputCodec(deps.registry, version.definition);
  const evaluators = new Map<number, RuleEvaluator>();
  const moved = new Map<number, Moved>();
  const pipelineVersion = String(version.version);
  let timer: NodeJS.Timeout | undefined;
  let checking = false;
  let completed = false;
  let closed = false;

  function evaluatorFor(partition: number): RuleEvaluator | undefined {
    if (!judge.rules) return undefined;
    let evaluator = evaluators.get(partition);
    if (!evaluator) {
      evaluator = judge.rules.createEvaluator();
      evaluators.set(partition, evaluator);
    }
    return evaluator;
  }

  function handle(event: ConsumedEvent, ctx: HandlerContext): void {
    const range = rangeOf.get(event.partition);
    const offset = Number(event.offset);
    if (!range || offset < range.startOffset || offset >= range.endOffset) return;
    const q = event.value as QuarantinedRecord;
    const verdict = rejudge(q, judge, evaluatorFor(event.partition));
    const headers: Record<string, string> = {
      [QualityHeaders.recordId]: q.recordId,
      [QualityHeaders.pipelineVersion]: pipelineVersion,
      [REDRIVE_ID_HEADER]: redriveId,
    };
    if (q.runId !== null) headers[QualityHeaders.runId] = q.runId;
    // Stable across redeliveries, so a consumer downstream can dedupe by event id.
    const sourceId = `${event.topic}/${event.partition}/${event.offset}`;
    let counts = moved.get(event.partition);
    if (!counts) {
      counts = { validated: 0, requarantined: 0 };
      moved.set(event.partition, counts);
    }
    if (verdict.kind === 'validated') {
      if (verdict.warnings.length > 0) headers[QualityHeaders.warnings] = verdict.warnings.join(',');
      ctx.publish(topics.validated, outputCodec.outputType, verdict.record, { key: q.recordId, eventId: `validated:${redriveId}:${sourceId}`, headers });
      counts.validated += 1;
      return;
    }
    // The original quarantinedAt: the next redrive judges the record as at its arrival again.
    const value: QuarantinedRecord = { ...q, pipelineVersion: version.version, failures: [...verdict.failures] };
    ctx.publish(topics.quarantine, RedriveEventNames.quarantinedRecord, value, { key: q.recordId, eventId: `requarantined:${redriveId}:${sourceId}`, headers });
    counts.requarantined += 1;
  }

  const consumer = createConsumerRunner({
    kafka: deps.kafka,
    groupId,
    topics: [topics.quarantine],
    codec: outputCodec.codec,
    handlers: { [RedriveEventNames.quarantinedRecord]: handle },
    publisher: deps.publisher,
    beforeCommit(checkpoint) {
      const counts = moved.get(checkpoint.partition);
      moved.delete(checkpoint.partition);
      if (!counts || counts.validated + counts.requarantined === 0) return;
      const value: QuarantineRedriveProgressed = {
        pipelineId,
        redriveId,
        partition: checkpoint.partition,
        firstOffset: Number(checkpoint.firstOffset),
        lastOffset: Number(checkpoint.lastOffset),
        validated: counts.validated,
        requarantined: counts.requarantined,
        progressedAt: clock(),
      };
      checkpoint.publish(deps.eventsTopic, RedriveEventNames.progressed, value, {
        key: pipelineId,
        eventId: `quarantine-redrive-progressed:${pipelineId}:${redriveId}:${checkpoint.partition}:${checkpoint.firstOffset}`,
      });
    },
    onUncommitted({ partition }) {
      // The records come again: their counts and their `unique` keys must not be remembered twice.
      moved.delete(partition);
      evaluators.delete(partition);
    },
    logger,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    options: {
      transactionalId: redriveTransactionalId(topicPrefix, pipelineId, redriveId, deps.instanceId),
      commitEvery: options.commitEvery,
      sessionTimeoutMs: options.sessionTimeoutMs,
      shutdownTimeoutMs: options.shutdownTimeoutMs,
      // Only QuarantinedRecords are redriven; anything else on `.quarantine` is not this worker's.
      onUnknownType: 'skip',
      retry: { maxAttempts: options.maxAttempts, initialDelayMs: options.retryInitialDelayMs },
    },
  });

  /** A new group starts at the ranges' starts (partitions without a range at their end), not at the log start. */
  async function initOffsets(): Promise<void> {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topics.quarantine] });
    const known = new Set((committed?.partitions ?? []).filter((p) => Number(p.offset) >= 0).map((p) => p.partition));
    const ends = new Map((await admin.fetchTopicOffsets(topics.quarantine)).map((p) => [p.partition, p.high]));
    const partitions = [...ends]
      .filter(([partition]) => !known.has(partition))
      .map(([partition, high]) => ({ partition, offset: String(rangeOf.get(partition)?.startOffset ?? high) }));
    if (partitions.length > 0) await admin.setOffsets({ groupId, topic: topics.quarantine, partitions });
  }

  async function checkCompletion(): Promise<void> {
    if (checking || completed || closed) return;
    // One member decides, so two instances do not both publish the completion.
    if (!consumer.joined || !(consumer.assignment[topics.quarantine] ?? []).includes(owner)) return;
    checking = true;
    try {
      if (openRanges.length > 0) {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topics.quarantine] });
        const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
        if (!openRanges.every((r) => (at.get(r.partition) ?? -1) >= r.endOffset)) return;
      }
      // Every range committed, and its progress events with it: read them all before summing.
      await deps.ledger.catchUp(options.catchUpTimeoutMs);
      const known = deps.ledger.get(pipelineId, redriveId);
      if (!known || known.completedAt !== undefined || closed) return;
      const value: QuarantineRedriveCompleted = {
        pipelineId,
        redriveId,
        validated: known.validated,
        requarantined: known.requarantined,
        completedAt: clock(),
      };
      await deps.publisher.publish(deps.eventsTopic, RedriveEventNames.completed, value, {
        key: pipelineId,
        eventId: `quarantine-redrive-completed:${pipelineId}:${redriveId}`,
      });
      completed = true;
      logger.info({ validated: value.validated, requarantined: value.requarantined }, 'quarantine redrive completed');
    } catch (err) {
      logger.warn({ err }, 'could not check the redrive for completion; trying again');
    } finally {
      checking = false;
    }
  }

  return {
    redrive,
    version: version.version,
    consumer,
    async start() {
      await initOffsets();
      await consumer.start();
      timer = setInterval(() => void checkCompletion(), options.completionCheckMs);
      timer.unref();
      logger.info({ ranges: redrive.ranges }, 'quarantine redrive worker started');
    },
    async close() {
      closed = true;
      clearInterval(timer);
      await consumer.close();
      await outputCodec.codec.close();
    },
  };
}
