import { type BrokerLogger, createConsumerRunner, type ConsumerRunner, type MessagingMetricsPort, type Publisher } from '@tributary/broker';
import type { SchemaRegistryPort } from '@tributary/schemas';
import type { Kafka } from 'kafkajs';
import type { ProcessorOptions } from '../options.js';
import { createVersionCodec } from '../processing/index.js';
import { pipelineTopics } from '../processing/index.js';
import { createPipelineWorker } from '../processing/index.js';
import type { PipelineVersion } from '@tributary/pipeline-state';

export interface PipelineRunnerDeps {
  kafka: Kafka;
  registry: SchemaRegistryPort;
  publisher: Publisher;
  topicPrefix: string;
  processorId: string;
  version: PipelineVersion;
  liveRunId: () => string | undefined;
  logger: BrokerLogger;
  metrics?: MessagingMetricsPort;
  options: ProcessorOptions;
}

/** One pipeline version running on this processor: its consumer and its codec. */
export interface PipelineRunner {
  readonly version: PipelineVersion;
  readonly consumer: ConsumerRunner;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Consumer group of a pipeline's processors: every instance joins it, Kafka splits the partitions. */
export const processorGroupId = (prefix: string, pipelineId: string) => `${prefix}-processor.${pipelineId}`;

/**
 * The transactional id of this instance for a pipeline. Stable across restarts of the same instance,
 * so a restarted processor fences its former self's unfinished transaction instead of racing it.
 */
export const processorTransactionalId = (prefix: string, pipelineId: string, processorId: string) =>
  `${prefix}-processor.${pipelineId}.${processorId}`;

/**
 * Runs one pipeline version: consumes `.staged` in the pipeline's group, transactionally, and
 * writes `.processed`, `.rejected` and RunProgress with the offsets in the same transaction.
 */
export function createPipelineRunner(deps: PipelineRunnerDeps): PipelineRunner {
  const { version, options, topicPrefix } = deps;
  const topics = pipelineTopics(topicPrefix, version.pipelineId);
  const versionCodec = createVersionCodec(deps.registry, version.definition);
  const worker = createPipelineWorker({ version, codec: versionCodec, topics, liveRunId: deps.liveRunId });
  const consumer = createConsumerRunner({
    kafka: deps.kafka,
    groupId: processorGroupId(topicPrefix, version.pipelineId),
    topics: [topics.staged],
    codec: versionCodec.codec,
    handlers: { [versionCodec.inputType]: worker.handle },
    publisher: deps.publisher,
    beforeCommit: worker.beforeCommit,
    onUncommitted: worker.onUncommitted,
    logger: deps.logger.child({ pipelineId: version.pipelineId, version: version.version }),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    options: {
      transactionalId: processorTransactionalId(topicPrefix, version.pipelineId, deps.processorId),
      commitEvery: options.commitEvery,
      sessionTimeoutMs: options.sessionTimeoutMs,
      shutdownTimeoutMs: options.shutdownTimeoutMs,
      // Anything on `.staged` that is not this pipeline's Input is poison: to the DLQ, not skipped.
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
      await versionCodec.codec.close();
    },
  };
}
