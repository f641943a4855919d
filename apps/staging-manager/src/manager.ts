import {
  type BrokerLogger,
  type ConsumedEvent,
  createConsumerRunner,
  createPublisher,
  type MessagingMetricsPort,
  silentLogger,
} from '@tributary/broker';
import { createDefinitionsView } from '@tributary/pipeline-state';
import type { RunStarted, SchemaRegistryPort } from '@tributary/schemas';
import type { Kafka } from 'kafkajs';
import { createStagingCodec, RAW_RECORD_TYPE } from './codec/staging-codec.js';
import { createLiveStaging, type LiveStaging } from './live/live-staging.js';
import { resolveStagingManagerOptions, type StagingManagerOptions } from './options.js';
import { createReplayCoordinator, type ReplayCoordinator } from './replay/replay-coordinator.js';
import { definitionsSource } from './source/definitions-source.js';
import { createStager, type Stager, type StagingTotals } from './staging/stager.js';
import { stagingTopics } from './staging/topics.js';
import { VersionPlans } from './staging/version-plan.js';
import type { DefinitionsSource } from './types.js';

export interface StagingManagerDeps {
  kafka: Kafka;
  registry: SchemaRegistryPort;
  /** TRIBUTARY_TOPIC_PREFIX. */
  topicPrefix: string;
  /**
   * Stable across restarts of the same instance (e.g. `staging-<hostname>-0`): the transactional id is
   * derived from it, so a restarted instance fences its killed predecessor's open transaction.
   */
  instanceId: string;
  logger?: BrokerLogger;
  metrics?: MessagingMetricsPort;
  /** Default: the definitions view of @tributary/pipeline-state on `<prefix>.pipeline.definitions`. */
  definitions?: DefinitionsSource;
  options?: Partial<StagingManagerOptions>;
}

export interface StagingManager {
  /** Catches up with the definitions, then stages every pipeline's `.raw` (returns without waiting for the group join). */
  start(): Promise<void>;
  /** Definitions caught up and the consumer group joined (or no pipeline to stage). */
  readonly ready: boolean;
  /** The `.raw` topics being staged now. */
  readonly topics: readonly string[];
  /** Replay runs in progress. */
  readonly activeReplays: readonly string[];
  /** Live totals (committed or committing) since start. */
  totals(): StagingTotals;
  close(): Promise<void>;
}

/**
 * The staging manager (docs/pipeline-flow.md): one transactional consumer group over the `.raw` topic
 * of every pipeline writing `.staged`, `.rejected` and StagingBatchCompleted with the offsets in one
 * Kafka transaction, and replays of `.raw` slices on RunStarted (mode replay).
 */
export function createStagingManager(deps: StagingManagerDeps): StagingManager {
  const options = resolveStagingManagerOptions(deps.options);
  const logger = (deps.logger ?? silentLogger).child({ component: 'staging-manager', instanceId: deps.instanceId });
  const topics = stagingTopics(deps.topicPrefix);
  const groupId = `${topics.prefix}-staging-manager`;
  const transactionalId = `${topics.prefix}-staging-manager-${deps.instanceId}`;
  const codec = createStagingCodec(deps.registry);
  const definitions =
    deps.definitions ?? definitionsSource(createDefinitionsView({ kafka: deps.kafka, codec, topicPrefix: topics.prefix, logger }));
  const plans = new VersionPlans((id) => definitions.get(id));
  const publisher = createPublisher({ kafka: deps.kafka, codec, logger, ...(deps.metrics ? { metrics: deps.metrics } : {}) });
  const admin = deps.kafka.admin();
  const runnerOptions = {
    commitEvery: options.commitEvery,
    sessionTimeoutMs: options.sessionTimeoutMs,
    retry: options.retry,
    shutdownTimeoutMs: options.shutdownTimeoutMs,
  };
  const stagerDeps = { plans, topics, codec, logger, clock: options.clock, maxRejectedRecordBytes: options.maxRejectedRecordBytes };
  const live: Stager = createStager(stagerDeps);

  const replays: ReplayCoordinator = createReplayCoordinator({
    admin,
    topics,
    publisher,
    logger,
    clock: options.clock,
    pollMs: options.replayPollMs,
    groupIdOf: (runId) => `${groupId}.replay.${runId}`,
    createStager: (runId, accepts) => createStager({ ...stagerDeps, runId, accepts }),
    createRunner: (runId, topic, stager) =>
      createConsumerRunner({
        kafka: deps.kafka,
        groupId: `${groupId}.replay.${runId}`,
        topics: [topic],
        codec,
        publisher,
        handlers: { [RAW_RECORD_TYPE]: stager.handleRawRecord },
        beforeCommit: stager.beforeCommit,
        onUncommitted: stager.onUncommitted,
        logger,
        ...(deps.metrics ? { metrics: deps.metrics } : {}),
        options: { ...runnerOptions, transactionalId: `${transactionalId}.replay.${runId}` },
      }),
  });

  const liveStaging: LiveStaging = createLiveStaging({
    definitions,
    topics,
    admin,
    logger,
    restartDebounceMs: options.restartDebounceMs,
    missingTopicRetryMs: options.missingTopicRetryMs,
    createRunner: (subscribed) =>
      createConsumerRunner({
        kafka: deps.kafka,
        groupId,
        topics: subscribed,
        codec,
        publisher,
        handlers: {
          [RAW_RECORD_TYPE]: live.handleRawRecord,
          // Pipeline events share the group, so one instance (the one holding the pipeline's partition) replays.
          'tributary.pipeline.RunStarted': (event: ConsumedEvent<RunStarted>) => replays.onRunStarted(event.value),
        },
        beforeCommit: live.beforeCommit,
        onUncommitted: live.onUncommitted,
        logger,
        ...(deps.metrics ? { metrics: deps.metrics } : {}),
        options: { ...runnerOptions, transactionalId },
      }),
  });

  let started = false;
  let definitionsReady = false;
  return {
    async start() {
      if (started) return;
      started = true;
      await admin.connect();
      await definitions.start();
      definitionsReady = true;
      liveStaging.start();
      logger.info({ groupId, transactionalId, pipelines: definitions.list().length }, 'staging manager started');
    },
    get ready() {
      return definitionsReady && liveStaging.ready;
    },
    get topics() {
      return liveStaging.topics;
    },
    get activeReplays() {
      return replays.active;
    },
    totals: () => live.totals(),
    async close() {
      // Reverse order of creation: consumers stop and commit, then the producer flushes, then clients.
      await liveStaging.close();
      await replays.close();
      await publisher.close();
      await definitions.close();
      await admin.disconnect();
      await codec.close();
    },
  };
}
