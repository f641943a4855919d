import { type BrokerLogger, type ConsumedEvent, type EventHandlers, type MessagingMetricsPort, type Publisher, type TopicFollower } from '@tributary/broker';
import type { PipelineSource, PipelineVersion } from '@tributary/pipeline-state';
import type { RedriveQuarantine, SchemaRegistryPort } from '@tributary/schemas';
import type { Admin, Kafka } from 'kafkajs';
import { qualityControlTopics, qualityTopics } from '../checking/topics.js';
import type { QualityManagerOptions } from '../options.js';
import { createRedriveCommandHandler } from './commands.js';
import { createRedriveLedger } from './ledger.js';
import { RedriveEventNames, redriveGroupId } from './names.js';
import { type RedriveOptions, resolveRedriveOptions } from './options.js';
import { planRanges } from './plan.js';
import { type Redrive, redriveKey } from './types.js';
import { createRedriveWorker, type RedriveWorker } from './worker.js';

export interface QuarantineRedriverDeps {
  kafka: Kafka;
  registry: SchemaRegistryPort;
  /** The follower of `<prefix>.quality.events`, not started yet: the ledger listens to it. */
  follower: Pick<TopicFollower, 'listen' | 'catchUp' | 'caughtUp'>;
  /** The manager's publisher: Started, Completed and rejections. */
  publisher: Publisher;
  /** The pipelines' current definitions. Started (and closed) by the manager, not here. */
  source: PipelineSource;
  topicPrefix: string;
  /** Stable id of this instance: names the workers' transactional ids. */
  instanceId: string;
  logger: BrokerLogger;
  metrics?: MessagingMetricsPort;
  /** The manager's options: transactions, sessions and retries of the workers are the checkers'. */
  options: Readonly<QualityManagerOptions>;
  redriveOptions?: Partial<RedriveOptions>;
  clock?: () => number;
}

/** A redrive this instance works on. */
export interface LocalRedriveStatus {
  pipelineId: string;
  redriveId: string;
  /** Definition version the records are judged by. */
  version: number;
  /** `.quarantine` partitions this instance moves. */
  partitions: number[];
}

export interface QuarantineRedriver {
  /** The handler of RedriveQuarantine, for the manager's command consumer. */
  readonly commandHandlers: EventHandlers;
  /** Starts a worker per unfinished redrive (after the follower caught up). */
  start(): Promise<void>;
  /** The ledger caught up. */
  readonly ready: boolean;
  redrives(): LocalRedriveStatus[];
  close(): Promise<void>;
}

/**
 * Redrive of quarantined records (docs/quality.md, "Redrive"): its command handler plans redrives
 * (RedriveQuarantine on `<prefix>.quality.commands`), the ledger follows them on
 * `<prefix>.quality.events`, and every started, unfinished redrive gets a worker here, which resumes
 * from its group's committed offsets after a restart.
 */
export function createQuarantineRedriver(deps: QuarantineRedriverDeps): QuarantineRedriver {
  const options = resolveRedriveOptions(deps.redriveOptions);
  const { kafka, topicPrefix, source } = deps;
  const logger = deps.logger.child({ component: 'quarantine-redrive' });
  const topics = qualityControlTopics(topicPrefix);
  const admin: Admin = kafka.admin();
  const ledger = createRedriveLedger({ follower: deps.follower, logger });
  const handleCommand = createRedriveCommandHandler({
    ledger,
    source,
    publisher: deps.publisher,
    eventsTopic: topics.events,
    catchUpTimeoutMs: options.catchUpTimeoutMs,
    logger,
    ...(deps.clock ? { clock: deps.clock } : {}),
    plan: (pipelineId, request) =>
      planRanges(
        { kafka, admin, groupPrefix: `${topicPrefix}.quality-redrive-probe`, probeWindow: options.probeWindow, probeTimeoutMs: options.probeTimeoutMs, logger },
        qualityTopics(topicPrefix, pipelineId).quarantine,
        request,
      ),
  });
  const workers = new Map<string, RedriveWorker>();
  const unsubscribes: (() => void)[] = [];
  let retryTimer: NodeJS.Timeout | undefined;
  let closed = false;
  // Reconciliations run one at a time, in order: a worker never starts while its predecessor stops.
  let chain: Promise<void> = Promise.resolve();

  function reconcileSoon(): Promise<void> {
    chain = chain.then(reconcile).catch((err: unknown) => logger.error({ err }, 'could not apply redrive changes'));
    return chain;
  }

  async function stop(key: string, why: string): Promise<void> {
    const worker = workers.get(key);
    if (!worker) return;
    workers.delete(key);
    const { pipelineId, redriveId } = worker.redrive;
    logger.info({ pipelineId, redriveId, why }, 'stopping quarantine redrive worker');
    await worker.close();
    if (ledger.get(pipelineId, redriveId)?.completedAt !== undefined) {
      // Best effort: another instance's member may still be leaving; an expired group goes anyway.
      await admin.deleteGroups([redriveGroupId(topicPrefix, pipelineId, redriveId)]).catch((err: unknown) => logger.debug({ err }, 'redrive group not deleted'));
    }
  }

  async function reconcile(): Promise<void> {
    if (closed) return;
    const desired = new Map<string, { redrive: Redrive; version: PipelineVersion }>();
    for (const redrive of ledger.active()) {
      const version = source.definition(redrive.pipelineId);
      // An instance whose definitions lag behind the planner's waits for the version the redrive was planned with.
      if (version && version.version >= redrive.pipelineVersion) desired.set(redriveKey(redrive.pipelineId, redrive.redriveId), { redrive, version });
    }
    for (const [key, worker] of [...workers]) {
      const want = desired.get(key);
      if (!want) await stop(key, 'not active');
      else if (want.version.version !== worker.version) await stop(key, `version ${want.version.version}`);
    }
    let failed = false;
    for (const [key, { redrive, version }] of desired) {
      if (workers.has(key) || closed) continue;
      let worker: RedriveWorker;
      try {
        worker = createRedriveWorker({
          kafka,
          admin,
          registry: deps.registry,
          publisher: deps.publisher,
          topicPrefix,
          instanceId: deps.instanceId,
          eventsTopic: topics.events,
          redrive,
          version,
          ledger,
          logger,
          ...(deps.metrics ? { metrics: deps.metrics } : {}),
          ...(deps.clock ? { clock: deps.clock } : {}),
          options: { ...deps.options, completionCheckMs: options.completionCheckMs, catchUpTimeoutMs: options.catchUpTimeoutMs },
        });
      } catch (err) {
        logger.error({ err, pipelineId: redrive.pipelineId, redriveId: redrive.redriveId, version: version.version }, 'the redrive cannot judge with this version; waiting for another');
        continue;
      }
      workers.set(key, worker);
      try {
        await worker.start();
      } catch (err) {
        failed = true;
        logger.error({ err, pipelineId: redrive.pipelineId, redriveId: redrive.redriveId }, 'quarantine redrive worker failed to start; retrying');
        workers.delete(key);
        await worker.close().catch(() => undefined);
      }
    }
    if (failed && !closed) {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => void reconcileSoon(), options.restartDelayMs);
      retryTimer.unref();
    }
  }

  return {
    commandHandlers: { [RedriveEventNames.command]: (event: ConsumedEvent<RedriveQuarantine>, ctx) => handleCommand(event, ctx) },

    async start() {
      await admin.connect();
      unsubscribes.push(ledger.subscribe(() => void reconcileSoon()), source.subscribe(() => void reconcileSoon()));
      await reconcileSoon();
    },

    get ready() {
      return !closed && ledger.caughtUp;
    },

    redrives() {
      return [...workers.values()].map((w) => ({
        pipelineId: w.redrive.pipelineId,
        redriveId: w.redrive.redriveId,
        version: w.version,
        partitions: Object.values(w.consumer.assignment).flat(),
      }));
    },

    async close() {
      closed = true;
      for (const unsubscribe of unsubscribes) unsubscribe();
      clearTimeout(retryTimer);
      await chain;
      await Promise.all([...workers.keys()].map((key) => stop(key, 'shutdown')));
      await admin.disconnect();
    },
  };
}
