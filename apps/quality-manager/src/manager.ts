import { type BrokerLogger, createPublisher, createTopicFollower, type MessagingMetricsPort, type Publisher } from '@tributary/broker';
import type { Registry } from '@tributary/observability';
import type { PipelineSource } from '@tributary/pipeline-state';
import { createEventCodec, type SchemaRegistryPort, untypedCodec } from '@tributary/schemas';
import type { Kafka } from 'kafkajs';
import { createQualityRecordMetrics } from './checking/record-metrics.js';
import { createQualityRunner, type QualityRunner } from './checking/runner.js';
import { qualityEventsTopic, qualityTrackerGroupId } from './checking/topics.js';
import { createQualityCommandConsumer } from './commands.js';
import { createIssueCommandHandlers } from './issues/commands.js';
import { type QualityManagerOptions, resolveQualityManagerOptions } from './options.js';
import { createQuarantineRedriver, type RedriveOptions, resolveRedriveOptions } from './redrive/index.js';
import { createQualityTracker, type QualityTrackerOptions } from './windows/tracker.js';

export interface QualityManagerDeps {
  kafka: Kafka;
  registry: SchemaRegistryPort;
  /** Which pipelines run and with which definition (built from Kafka). Started and closed by the manager. */
  source: PipelineSource;
  topicPrefix: string;
  /** Stable id of this instance: names its transactional ids. */
  instanceId: string;
  logger: BrokerLogger;
  metrics?: MessagingMetricsPort;
  /**
   * Registry of the service's `/metrics` (createMetrics' `registry`): `tributary_quality_records_total`
   * is added to it. Default: none.
   */
  metricsRegistry?: Registry;
  options?: Partial<QualityManagerOptions>;
  /** Options of the windows and issues tracker. */
  trackerOptions?: Partial<QualityTrackerOptions>;
  /** Options of quarantine redrives (docs/quality.md, "Redrive"). */
  redriveOptions?: Partial<RedriveOptions>;
}

/** How a pipeline stands on this instance. */
export interface LocalQualityStatus {
  pipelineId: string;
  version: number;
  /** `running`: consuming; `starting`: its consumer is joining the group (or failed and will retry). */
  state: 'running' | 'starting';
  /** `.processed` partitions this instance holds. */
  partitions: number[];
}

export interface QualityManager {
  /** Catches up with the pipelines' state and starts a consumer per running pipeline. */
  start(): Promise<void>;
  /** Ready once the pipelines' state is known and every running pipeline's consumer has joined. */
  readonly ready: boolean;
  pipelines(): LocalQualityStatus[];
  /** `<prefix>.quality.events` partitions whose pipelines this instance's tracker tracks. */
  trackedPartitions(): number[];
  /** Ids of the pipeline's quality issues this instance's tracker holds open. */
  openIssueIds(pipelineId: string): string[];
  close(): Promise<void>;
}

/**
 * The quality manager: one transactional consumer of `.processed` per RUNNING pipeline (group
 * `<prefix>-quality.<pipelineId>`), started and stopped as runs start and stop, and restarted when
 * the definition version changes; run more instances and the groups split the partitions. The
 * tracker, which turns the checkers' window deltas into closed windows and quality issues. And the
 * commands on `<prefix>.quality.commands` (quarantine redrives; acknowledging, noting and resolving
 * issues), judged against `<prefix>.quality.events` as one follower reads it.
 */
export function createQualityManager(deps: QualityManagerDeps): QualityManager {
  const options = resolveQualityManagerOptions(deps.options);
  const logger = deps.logger.child({ component: 'quality-manager', instanceId: deps.instanceId });
  const { source } = deps;
  const codec = untypedCodec(createEventCodec({ registry: deps.registry }));
  const publisher: Publisher = createPublisher({ kafka: deps.kafka, codec, logger, ...(deps.metrics ? { metrics: deps.metrics } : {}) });
  const eventsTopic = qualityEventsTopic(deps.topicPrefix);
  const recordMetrics = deps.metricsRegistry ? createQualityRecordMetrics(deps.metricsRegistry) : undefined;
  const tracker = createQualityTracker({
    kafka: deps.kafka,
    codec,
    publisher,
    source,
    topic: eventsTopic,
    groupId: qualityTrackerGroupId(deps.topicPrefix),
    sessionTimeoutMs: options.sessionTimeoutMs,
    logger,
    ...(deps.trackerOptions ? { options: deps.trackerOptions } : {}),
  });
  // Redrives and issue commands read what happened so far from the events topic, through one follower.
  const follower = createTopicFollower({ kafka: deps.kafka, topic: eventsTopic, groupPrefix: `${deps.topicPrefix}.quality-follower`, codec, logger });
  // Redrives of `.quarantine`: commands, ledger and a worker per unfinished redrive.
  const redriver = createQuarantineRedriver({
    kafka: deps.kafka,
    registry: deps.registry,
    follower,
    publisher,
    source,
    topicPrefix: deps.topicPrefix,
    instanceId: deps.instanceId,
    logger,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    options,
    ...(deps.redriveOptions ? { redriveOptions: deps.redriveOptions } : {}),
  });
  const issueHandlers = createIssueCommandHandlers({
    follower,
    publisher,
    eventsTopic,
    catchUpTimeoutMs: resolveRedriveOptions(deps.redriveOptions).catchUpTimeoutMs,
    logger,
  });
  const commands = createQualityCommandConsumer({
    kafka: deps.kafka,
    codec,
    publisher,
    topicPrefix: deps.topicPrefix,
    handlers: { ...redriver.commandHandlers, ...issueHandlers },
    logger,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    options,
  });
  const active = new Map<string, { runner: QualityRunner; started: boolean }>();
  let started = false;
  let closed = false;
  let unsubscribe: (() => void) | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  // Reconciliations run one at a time, in order: a start never races the stop of the same pipeline.
  let chain: Promise<void> = Promise.resolve();

  function reconcileSoon(): Promise<void> {
    chain = chain.then(reconcile).catch((err: unknown) => logger.error({ err }, 'could not apply pipeline changes'));
    return chain;
  }

  async function stop(pipelineId: string, why: string): Promise<void> {
    const entry = active.get(pipelineId);
    if (!entry) return;
    active.delete(pipelineId);
    logger.info({ pipelineId, version: entry.runner.version.version, why }, 'stopping quality consumer');
    await entry.runner.close();
  }

  async function reconcile(): Promise<void> {
    if (closed) return;
    const desired = new Map(source.running().map((p) => [p.pipelineId, p]));
    for (const [pipelineId, entry] of [...active]) {
      const want = desired.get(pipelineId);
      if (!want) await stop(pipelineId, 'not running');
      else if (want.version !== entry.runner.version.version) await stop(pipelineId, `version ${want.version}`);
    }
    let failed = false;
    for (const [pipelineId, pipeline] of desired) {
      if (active.has(pipelineId) || closed) continue;
      let runner: QualityRunner;
      try {
        runner = createQualityRunner({
          kafka: deps.kafka,
          registry: deps.registry,
          publisher,
          topicPrefix: deps.topicPrefix,
          instanceId: deps.instanceId,
          version: pipeline,
          logger,
          ...(deps.metrics ? { metrics: deps.metrics } : {}),
          ...(recordMetrics ? { recordMetrics } : {}),
          options,
        });
      } catch (err) {
        failed = true;
        logger.error({ err, pipelineId, version: pipeline.version }, 'the pipeline version cannot be checked; its records wait in .processed');
        continue;
      }
      const entry = { runner, started: false };
      active.set(pipelineId, entry);
      logger.info({ pipelineId, version: pipeline.version }, 'starting quality consumer');
      try {
        await runner.start();
        entry.started = true;
      } catch (err) {
        failed = true;
        logger.error({ err, pipelineId }, 'quality consumer failed to start; retrying');
        active.delete(pipelineId);
        await runner.close().catch(() => undefined);
      }
    }
    if (failed && !closed) {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => void reconcileSoon(), options.restartDelayMs);
      retryTimer.unref();
    }
  }

  return {
    async start() {
      await source.start();
      unsubscribe = source.subscribe(() => void reconcileSoon());
      await reconcileSoon();
      // After the checkers: joining the trackers' group may wait for a killed instance's session to expire.
      await tracker.start();
      await follower.start();
      await commands.start();
      await redriver.start();
      started = true;
    },

    get ready() {
      if (!started || closed || !tracker.caughtUp || !follower.caughtUp || !commands.joined || !redriver.ready) return false;
      for (const { runner, started: runnerStarted } of active.values()) {
        if (!runnerStarted || !runner.consumer.joined) return false;
      }
      return true;
    },

    pipelines() {
      return [...active]
        .map(([pipelineId, { runner, started: runnerStarted }]) => ({
          pipelineId,
          version: runner.version.version,
          state: runnerStarted && runner.consumer.joined ? ('running' as const) : ('starting' as const),
          partitions: Object.values(runner.consumer.assignment).flat(),
        }))
        .sort((a, b) => a.pipelineId.localeCompare(b.pipelineId));
    },

    trackedPartitions: () => tracker.partitions(),

    openIssueIds: (pipelineId) => tracker.openIssueIds(pipelineId),

    async close() {
      closed = true;
      unsubscribe?.();
      clearTimeout(retryTimer);
      await chain;
      await commands.close();
      await Promise.all([...active.keys()].map((id) => stop(id, 'shutdown')));
      await redriver.close();
      await follower.close();
      await tracker.close();
      await publisher.close();
      await codec.close();
      await source.close();
      recordMetrics?.close();
    },
  };
}
