import { createPublisher, type Publisher } from '@tributary/broker';
import { createEventCodec, untypedCodec } from '@tributary/schemas';
import { resolveProcessorOptions } from '../options.js';
import { pipelineEventsTopic, pipelineTopics } from '../processing/index.js';
import { createAnnouncer } from './announcer.js';
import { createPipelineRunner, type PipelineRunner } from './pipeline-runner.js';
import type { LocalPipelineStatus, Processor, ProcessorDeps } from './types.js';

/** After a pipeline's consumer failed to start, the next attempt waits this long. */
const RESTART_DELAY_MS = 5_000;

/**
 * A processor instance: one transactional consumer per RUNNING pipeline (group
 * `<prefix>-processor.<pipelineId>`), started and stopped as runs start and stop, restarted when
 * the definition version changes, paused on request; and its announcements.
 */
export function createProcessor(deps: ProcessorDeps): Processor {
  const options = resolveProcessorOptions(deps.options);
  const logger = deps.logger.child({ component: 'processor', processorId: deps.processorId });
  const { source } = deps;
  const publisher: Publisher = createPublisher({
    kafka: deps.kafka,
    codec: untypedCodec(createEventCodec({ registry: deps.registry })),
    logger,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  const active = new Map<string, { runner: PipelineRunner; started: boolean }>();
  const paused = new Set<string>();
  let closed = false;
  let unsubscribe: (() => void) | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  // Reconciliations run one at a time, in order: a start never races the stop of the same pipeline.
  let chain: Promise<void> = Promise.resolve();

  const announcer = createAnnouncer({
    publisher,
    topic: pipelineEventsTopic(deps.topicPrefix),
    processorId: deps.processorId,
    url: deps.publicUrl,
    intervalMs: options.announceIntervalMs,
    startedAt: Date.now(),
    snapshot: () => ({ pipelines: [...active.keys()], paused: [...paused] }),
    logger,
  });

  function reconcileSoon(): Promise<void> {
    chain = chain.then(reconcile).catch((err: unknown) => logger.error({ err }, 'could not apply pipeline changes'));
    return chain;
  }

  async function stop(pipelineId: string, why: string): Promise<void> {
    const entry = active.get(pipelineId);
    if (!entry) return;
    active.delete(pipelineId);
    logger.info({ pipelineId, version: entry.runner.version.version, why }, 'stopping pipeline consumer');
    await entry.runner.close();
  }

  async function reconcile(): Promise<void> {
    if (closed) return;
    const desired = new Map(source.running().filter((p) => !paused.has(p.pipelineId)).map((p) => [p.pipelineId, p]));
    for (const [pipelineId, entry] of [...active]) {
      const want = desired.get(pipelineId);
      if (!want) await stop(pipelineId, paused.has(pipelineId) ? 'paused' : 'not running');
      else if (want.version !== entry.runner.version.version) await stop(pipelineId, `version ${want.version}`);
    }
    let failed = false;
    for (const [pipelineId, pipeline] of desired) {
      if (active.has(pipelineId) || closed) continue;
      const runner = createPipelineRunner({
        kafka: deps.kafka,
        registry: deps.registry,
        publisher,
        topicPrefix: deps.topicPrefix,
        processorId: deps.processorId,
        version: pipeline,
        liveRunId: () => source.liveRunId(pipelineId),
        logger,
        ...(deps.metrics ? { metrics: deps.metrics } : {}),
        options,
      });
      const entry = { runner, started: false };
      active.set(pipelineId, entry);
      logger.info({ pipelineId, version: pipeline.version, topic: pipelineTopics(deps.topicPrefix, pipelineId).staged }, 'starting pipeline consumer');
      try {
        await runner.start();
        entry.started = true;
      } catch (err) {
        failed = true;
        logger.error({ err, pipelineId }, 'pipeline consumer failed to start; retrying');
        active.delete(pipelineId);
        await runner.close().catch(() => undefined);
      }
    }
    if (failed && !closed) {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => void reconcileSoon(), RESTART_DELAY_MS);
      retryTimer.unref();
    }
  }

  return {
    async start() {
      unsubscribe = source.subscribe(() => void reconcileSoon());
      await reconcileSoon();
      await announcer.start();
    },

    async pause(pipelineId) {
      if (paused.has(pipelineId)) return;
      paused.add(pipelineId);
      await reconcileSoon();
      await announcer.announce();
    },

    async resume(pipelineId) {
      if (!paused.delete(pipelineId)) return;
      await reconcileSoon();
      await announcer.announce();
    },

    pipelines() {
      const out: LocalPipelineStatus[] = [];
      for (const [pipelineId, { runner, started }] of active) {
        out.push({
          pipelineId,
          version: runner.version.version,
          liveRunId: source.liveRunId(pipelineId),
          state: started && runner.consumer.joined ? 'running' : 'starting',
          partitions: Object.values(runner.consumer.assignment).flat(),
        });
      }
      for (const pipelineId of paused) {
        out.push({ pipelineId, version: source.definition(pipelineId)?.version, liveRunId: source.liveRunId(pipelineId), state: 'paused', partitions: [] });
      }
      return out.sort((a, b) => a.pipelineId.localeCompare(b.pipelineId));
    },

    definition: (pipelineId) => source.definition(pipelineId),

    async close() {
      closed = true;
      unsubscribe?.();
      clearTimeout(retryTimer);
      await announcer.close();
      await chain;
      await Promise.all([...active.keys()].map((id) => stop(id, 'shutdown')));
      await publisher.close();
    },
  };
}
