import { type BrokerLogger, createConsumerRunner, type ConsumerRunner, type MessagingMetricsPort, type Publisher } from '@tributary/broker';
import type { PipelineVersion } from '@tributary/pipeline-state';
import { pipelineRuleSet } from '@tributary/quality-rules';
import type { SchemaRegistryPort } from '@tributary/schemas';
import type { Kafka } from 'kafkajs';
import type { QualityManagerOptions } from '../options.js';
import { createQualityChecker } from './checker.js';
import { windowPlan } from '../windows/plan.js';
import { createOutputCodec } from './codec.js';
import type { QualityRecordMetrics } from './record-metrics.js';
import { qualityEventsTopic, qualityTopics } from './topics.js';

export interface QualityRunnerDeps {
  kafka: Kafka;
  registry: SchemaRegistryPort;
  publisher: Publisher;
  topicPrefix: string;
  instanceId: string;
  version: PipelineVersion;
  logger: BrokerLogger;
  metrics?: MessagingMetricsPort;
  /** Where the checker counts validated and quarantined records. Default: not counted. */
  recordMetrics?: QualityRecordMetrics;
  options: QualityManagerOptions;
}

/** One pipeline version checked on this instance: its consumer and its codec. */
export interface QualityRunner {
  readonly version: PipelineVersion;
  readonly consumer: ConsumerRunner;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Consumer group of a pipeline's quality checks: every instance joins it, Kafka splits the partitions. */
export const qualityGroupId = (prefix: string, pipelineId: string) => `${prefix}-quality.${pipelineId}`;

/** Stable across restarts of the same instance, so a restarted one fences its former self's transaction. */
export const qualityTransactionalId = (prefix: string, pipelineId: string, instanceId: string) => `${prefix}-quality.${pipelineId}.${instanceId}`;

/**
 * Checks one pipeline version: consumes `.processed` in the pipeline's quality group, transactionally,
 * and writes `.validated` or `.quarantine` with the offsets in the same transaction, so each record
 * lands in exactly one of them exactly once. Throws a RuleSetError when the version's rules do not
 * compile (they were checked when the definition was applied, so only a definition older than the
 * rules' format can): its records then wait in `.processed` rather than pass unchecked.
 */
export function createQualityRunner(deps: QualityRunnerDeps): QualityRunner {
  const { version, options, topicPrefix } = deps;
  const topics = qualityTopics(topicPrefix, version.pipelineId);
  const rules = pipelineRuleSet(version.definition);
  const outputCodec = createOutputCodec(deps.registry, version.definition);
  const checker = createQualityChecker({
    version,
    rules,
    outputType: outputCodec.outputType,
    topics,
    plan: windowPlan(version.definition, rules),
    eventsTopic: qualityEventsTopic(topicPrefix),
    ...(deps.recordMetrics ? { records: deps.recordMetrics.forPipeline(version.pipelineId) } : {}),
  });
  const consumer = createConsumerRunner({
    kafka: deps.kafka,
    groupId: qualityGroupId(topicPrefix, version.pipelineId),
    topics: [topics.processed],
    codec: outputCodec.codec,
    handlers: { [outputCodec.outputType]: checker.handle },
    publisher: deps.publisher,
    beforeCommit: checker.beforeCommit,
    onUncommitted: checker.onUncommitted,
    logger: deps.logger.child({ pipelineId: version.pipelineId, version: version.version }),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    options: {
      transactionalId: qualityTransactionalId(topicPrefix, version.pipelineId, deps.instanceId),
      commitEvery: options.commitEvery,
      sessionTimeoutMs: options.sessionTimeoutMs,
      shutdownTimeoutMs: options.shutdownTimeoutMs,
      // Anything on `.processed` that is not this pipeline's Output is poison: to the DLQ, not skipped.
      onUnknownType: 'dead-letter',
      retry: { maxAttempts: options.maxAttempts, initialDelayMs: options.retryInitialDelayMs },
    },
  });
  return {
    version,
    consumer,
    start: () => consumer.start(),
    async close() {
      await consumer.close();
      await outputCodec.codec.close();
    },
  };
}
