import { type BrokerLogger, createConsumerRunner, type ConsumerRunner, type EventHandlers, type MessagingMetricsPort, type Publisher } from '@tributary/broker';
import type { UntypedEventCodec } from '@tributary/schemas';
import type { Kafka } from 'kafkajs';
import type { QualityManagerOptions } from './options.js';
import { qualityCommandsGroupId, qualityControlTopics } from './checking/topics.js';

export interface QualityCommandConsumerDeps {
  kafka: Kafka;
  codec: UntypedEventCodec;
  publisher: Publisher;
  topicPrefix: string;
  /** Handlers by command type (redrives, issue resolution). */
  handlers: EventHandlers;
  logger: BrokerLogger;
  metrics?: MessagingMetricsPort;
  options: Readonly<QualityManagerOptions>;
}

export interface QualityCommandConsumer {
  /** Joins the group; when it cannot (its topic missing, Kafka down), checking goes on and it tries again. */
  start(): Promise<void>;
  readonly joined: boolean;
  close(): Promise<void>;
}

/**
 * The quality manager's commands: `<prefix>.quality.commands` in group `<prefix>-quality`, which every
 * instance joins. One command at a time: a pipeline's commands may sit in different priority bands
 * (partitions), and each is handled after the ones before it (a redrive is planned after the previous
 * one, an issue is resolved after it was acknowledged).
 */
export function createQualityCommandConsumer(deps: QualityCommandConsumerDeps): QualityCommandConsumer {
  const topics = qualityControlTopics(deps.topicPrefix);
  const logger = deps.logger.child({ component: 'quality-commands' });
  let runner: ConsumerRunner | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  async function start(): Promise<void> {
    if (closed) return;
    const candidate = createConsumerRunner({
      kafka: deps.kafka,
      groupId: qualityCommandsGroupId(deps.topicPrefix),
      topics: [topics.commands],
      codec: deps.codec,
      handlers: deps.handlers,
      publisher: deps.publisher,
      bandsOf: (topic) => (topic === topics.commands ? topics.commandBands : undefined),
      logger,
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
      options: {
        partitionsConsumedConcurrently: 1,
        sessionTimeoutMs: deps.options.sessionTimeoutMs,
        shutdownTimeoutMs: deps.options.shutdownTimeoutMs,
        retry: { maxAttempts: deps.options.maxAttempts, initialDelayMs: deps.options.retryInitialDelayMs },
      },
    });
    runner = candidate;
    try {
      await candidate.start();
    } catch (err) {
      logger.error({ err, topic: topics.commands }, 'quality command consumer failed to start; retrying');
      runner = undefined;
      await candidate.close().catch(() => undefined);
      if (!closed) {
        timer = setTimeout(() => void start(), deps.options.restartDelayMs);
        timer.unref();
      }
    }
  }

  return {
    start,
    get joined() {
      return runner?.joined === true;
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await runner?.close();
    },
  };
}
