import type { Checkpoint, ConsumedEvent, HandlerContext } from '@tributary/broker';
import type { DataRecord } from '@tributary/pipelines';
import type { PipelineVersion } from '@tributary/pipeline-state';
import { QualityDeltaAccumulator } from '@tributary/quality-metrics';
import type { CompiledRuleSet, RuleEvaluator } from '@tributary/quality-rules';
import type { QualityWindowObserved, QuarantinedRecord } from '@tributary/schemas';
import type { WindowPlan } from '../windows/plan.js';
import { toFailureEvent } from './failures.js';
import { type PipelineRecordCounter, recordOutcomes } from './record-metrics.js';
import { QualityEventNames, QualityHeaders, type QualityTopics } from './topics.js';

/**
 * Rule evaluators (run × partition) kept at once; the least recently used is forgotten first. Ended
 * replay runs leave evaluators nobody uses again, and this bounds them without knowing when runs end.
 */
const MAX_EVALUATORS = 256;

export interface QualityCheckerDeps {
  readonly version: PipelineVersion;
  /** The version's compiled rules; undefined when the definition declares none (every record passes). */
  readonly rules: CompiledRuleSet | undefined;
  readonly outputType: string;
  readonly topics: QualityTopics;
  /** How records are counted into window deltas. */
  readonly plan: WindowPlan;
  /** `<prefix>.quality.events`, where the window deltas go. */
  readonly eventsTopic: string;
  /** Clock for `quarantinedAt` and `observedAt`. Default `Date.now`. */
  readonly clock?: () => number;
  /** The pipeline's validated/quarantined counters, added to at each commit. Default: not counted. */
  readonly records?: PipelineRecordCounter;
}

export interface QualityChecker {
  /** The `.processed` record handler: to `.validated` or `.quarantine`, in the runner's transaction. */
  handle(event: ConsumedEvent, ctx: HandlerContext): void;
  /** Publishes the window deltas of the records since the partition's last commit (runner `beforeCommit`). */
  beforeCommit(checkpoint: Checkpoint): void;
  /** The partition's batch failed before committing: its records come again (runner `onUncommitted`). */
  onUncommitted(where: { topic: string; partition: number }): void;
}

/**
 * Checks one pipeline version's rules on `.processed` records. Rule state (`unique` windows) lives in
 * an evaluator per (run id, partition), like the processor's dedupe: a replay never shares it with
 * the live run, and a partition's never mixes with another's. Rules are evaluated at the record's
 * broker timestamp (its arrival in `.processed`), so a redelivery or a replay judges freshness and
 * uniqueness the same way.
 *
 * Every record is also counted into a window delta per (partition, run); `beforeCommit` publishes the
 * partition's deltas in the same transaction as its outputs and offsets, so the windowed metrics
 * count each committed record exactly once, whatever crashes.
 */
export function createQualityChecker(deps: QualityCheckerDeps): QualityChecker {
  const { version, topics, rules, outputType, plan } = deps;
  const clock = deps.clock ?? Date.now;
  const pipelineVersion = String(version.version);
  const evaluators = new Map<string, RuleEvaluator>();
  /** Uncommitted window counts per partition, then per run id ('' for records without one). */
  const pending = new Map<number, Map<string, QualityDeltaAccumulator>>();

  function accumulatorFor(partition: number, runId: string): QualityDeltaAccumulator {
    let runs = pending.get(partition);
    if (!runs) pending.set(partition, (runs = new Map<string, QualityDeltaAccumulator>()));
    let accumulator = runs.get(runId);
    if (!accumulator) {
      accumulator = new QualityDeltaAccumulator({
        pipelineId: version.pipelineId,
        windowSize: plan.windowSize,
        uniqueRules: plan.uniqueRules,
        ...(plan.freshness ? { freshness: plan.freshness } : {}),
        ...plan.limits,
      });
      runs.set(runId, accumulator);
    }
    return accumulator;
  }

  function evaluatorFor(runId: string, partition: number): RuleEvaluator | undefined {
    if (!rules) return undefined;
    const key = `${partition}\u0000${runId}`;
    let evaluator = evaluators.get(key);
    if (evaluator) {
      evaluators.delete(key);
    } else {
      evaluator = rules.createEvaluator();
      if (evaluators.size >= MAX_EVALUATORS) {
        const oldest = evaluators.keys().next();
        if (oldest.done !== true) evaluators.delete(oldest.value);
      }
    }
    evaluators.set(key, evaluator);
    return evaluator;
  }

  return {
    handle(event, ctx) {
      const runId = event.headers[QualityHeaders.runId] ?? null;
      const recordId = event.headers[QualityHeaders.recordId] ?? event.key ?? sourceId(event);
      const record = event.value as DataRecord;
      const evaluator = evaluatorFor(runId ?? '', event.partition);
      const verdict = evaluator?.evaluate(record, { now: event.timestamp });
      accumulatorFor(event.partition, runId ?? '').add({
        record,
        recordId,
        now: event.timestamp,
        failures: verdict?.failures ?? [],
        quarantined: verdict?.quarantine === true,
      });
      const headers: Record<string, string> = { [QualityHeaders.recordId]: recordId, [QualityHeaders.pipelineVersion]: pipelineVersion };
      if (runId !== null) headers[QualityHeaders.runId] = runId;
      // Stable across redeliveries, so a consumer downstream can dedupe by event id.
      const eventId = sourceId(event);

      if (verdict?.quarantine === true) {
        const value: QuarantinedRecord = {
          pipelineId: version.pipelineId,
          runId,
          recordId,
          pipelineVersion: version.version,
          sourceTopic: event.topic,
          sourcePartition: event.partition,
          sourceOffset: Number(event.offset),
          record: JSON.stringify(record),
          failures: verdict.failures.map(toFailureEvent),
          quarantinedAt: clock(),
        };
        ctx.publish(topics.quarantine, QualityEventNames.quarantinedRecord, value, { key: recordId, eventId: `quarantined:${eventId}`, headers });
        return;
      }
      if (verdict && verdict.failures.length > 0) headers[QualityHeaders.warnings] = [...new Set(verdict.failures.map((f) => f.ruleId))].join(',');
      // The source key, not the record id: records stay in the partitions their key chose upstream.
      ctx.publish(topics.validated, outputType, record, { key: event.key ?? recordId, eventId: `validated:${eventId}`, headers });
    },

    beforeCommit(checkpoint) {
      const runs = pending.get(checkpoint.partition);
      if (!runs) return;
      pending.delete(checkpoint.partition);
      const observedAt = clock();
      for (const [runId, accumulator] of runs) {
        const deltas = accumulator.drain();
        // From the deltas, once per commit: the record metrics cost nothing per record.
        deps.records?.add(recordOutcomes(deltas));
        for (const delta of deltas) {
          const value: QualityWindowObserved = {
            ...delta,
            fields: [...delta.fields],
            rules: delta.rules.map((r) => ({ ...r, samples: [...r.samples] })),
            freshness: delta.freshness ? { ...delta.freshness, lagBuckets: [...delta.freshness.lagBuckets] } : null,
            runId: runId === '' ? null : runId,
            pipelineVersion: version.version,
            sourcePartition: checkpoint.partition,
            observedAt,
          };
          // Keyed by pipeline: one partition of the events topic holds a pipeline's deltas in order.
          checkpoint.publish(deps.eventsTopic, QualityEventNames.windowObserved, value, { key: version.pipelineId });
        }
      }
    },

    onUncommitted({ partition }) {
      pending.delete(partition);
      // The evaluators already saw the records that will come again; kept, `unique` would call them
      // duplicates of themselves. Forgetting may let one older duplicate through, the lesser harm.
      for (const key of evaluators.keys()) {
        if (key.startsWith(`${partition}\u0000`)) evaluators.delete(key);
      }
    },
  };
}


function sourceId(event: ConsumedEvent): string {
  return `${event.topic}/${event.partition}/${event.offset}`;
}
