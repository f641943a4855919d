import { type BrokerLogger, type ConsumerRunner, errorCode, type Publisher } from '@tributary/broker';
import type { RunFailed, RunStarted, RunStopped } from '@tributary/schemas';
import type { Admin } from 'kafkajs';
import type { Stager } from '../staging/stager.js';
import type { StagingTopics } from '../staging/topics.js';
import { computeSlice, isSliceDone, type PartitionSlice } from './slice.js';

export interface ReplayCoordinatorDeps {
  admin: Admin;
  topics: StagingTopics;
  publisher: Publisher;
  logger: BrokerLogger;
  clock: () => number;
  pollMs: number;
  /** The consumer group of a replay run: `<prefix>-staging-manager.replay.<runId>`. */
  groupIdOf(runId: string): string;
  /** A stager for the run with a fresh dedupe state, staging only offsets inside the slice. */
  createStager(runId: string, accepts: (where: { topic: string; partition: number; offset: string }) => boolean): Stager;
  createRunner(runId: string, topic: string, stager: Stager): ConsumerRunner;
}

export interface ReplayCoordinator {
  /** Handles a RunStarted: replays start in the background; live runs and known run ids are ignored. */
  onRunStarted(run: RunStarted): void;
  /** Run ids being replayed now. */
  readonly active: readonly string[];
  close(): Promise<void>;
}

/**
 * Re-stages `.raw` slices for replay runs. Each run reads `[replayFrom, replayUntil)` (offsets by
 * timestamp, per partition) with a consumer group of its own, in transactions like the live runner,
 * and publishes RunStopped once the group's committed offsets reached the end of the slice on every
 * partition. The run's group stays behind as the record of its progress: a RunStarted delivered again
 * (after a crash before its offset committed) resumes from the group's offsets instead of starting over.
 */
export function createReplayCoordinator(deps: ReplayCoordinatorDeps): ReplayCoordinator {
  const logger = deps.logger.child({ component: 'replay' });
  const seen = new Set<string>();
  const jobs = new Map<string, { stop: () => Promise<void>; done: Promise<void> }>();
  let closed = false;

  async function run(started: RunStarted, signal: { stopped: boolean; runner?: ConsumerRunner }): Promise<void> {
    const { pipelineId, runId } = started;
    const topic = deps.topics.raw(pipelineId);
    const groupId = deps.groupIdOf(runId);
    const slice = await computeSlice(deps.admin, topic, started.replayFrom ?? 0, started.replayUntil);
    const resumed = await committedOffsets(groupId, topic);
    if (resumed.size === 0) {
      const seek = slice.map((p) => ({ partition: p.partition, offset: p.start }));
      if (seek.length > 0) await deps.admin.setOffsets({ groupId, topic, partitions: seek });
    }
    const ends = new Map(slice.map((p) => [p.partition, BigInt(p.end)]));
    const stager = deps.createStager(runId, (w) => BigInt(w.offset) < (ends.get(w.partition) ?? 0n));
    logger.info({ pipelineId, runId, slice, resumed: resumed.size > 0 }, 'replay started');
    if (!isSliceDone(slice, resumed)) {
      const runner = deps.createRunner(runId, topic, stager);
      signal.runner = runner;
      await runner.start();
      for (;;) {
        if (signal.stopped) return;
        await new Promise((r) => setTimeout(r, deps.pollMs));
        if (isSliceDone(slice, await committedOffsets(groupId, topic))) break;
      }
      await runner.close();
    }
    stager.confirmAll();
    const totals = stager.totals();
    const stopped: RunStopped = {
      pipelineId,
      runId,
      reason: `replay staged: ${totals.staged} records`,
      stoppedBy: null,
      stoppedAt: deps.clock(),
    };
    await deps.publisher.publish(deps.topics.pipelineEvents, 'tributary.pipeline.RunStopped', stopped, {
      key: pipelineId,
      eventId: `${runId}:replay-staged`,
    });
    logger.info({ pipelineId, runId, ...totals }, 'replay staged');
  }

  async function committedOffsets(groupId: string, topic: string): Promise<Map<number, bigint>> {
    const result = await deps.admin.fetchOffsets({ groupId, topics: [topic] });
    const out = new Map<number, bigint>();
    for (const p of result.flatMap((t) => t.partitions)) {
      if (Number(p.offset) >= 0) out.set(p.partition, BigInt(p.offset));
    }
    return out;
  }

  async function fail(started: RunStarted, err: unknown): Promise<void> {
    logger.error({ err, pipelineId: started.pipelineId, runId: started.runId }, 'replay failed');
    const failed: RunFailed = {
      pipelineId: started.pipelineId,
      runId: started.runId,
      reason: `replay staging failed: ${err instanceof Error ? err.message : String(err)}`,
      errorCode: errorCode(err),
      stage: 'staging',
      failedAt: deps.clock(),
    };
    await deps.publisher
      .publish(deps.topics.pipelineEvents, 'tributary.pipeline.RunFailed', failed, { key: started.pipelineId, eventId: `${started.runId}:replay-failed` })
      .catch((e: unknown) => logger.error({ err: e }, 'could not publish RunFailed'));
  }

  return {
    onRunStarted(started) {
      if (started.mode !== 'replay' || closed || seen.has(started.runId)) return;
      seen.add(started.runId);
      const signal: { stopped: boolean; runner?: ConsumerRunner } = { stopped: false };
      const done = run(started, signal)
        .catch((err: unknown) => (signal.stopped ? undefined : fail(started, err)))
        .finally(() => jobs.delete(started.runId));
      jobs.set(started.runId, {
        done,
        stop: async () => {
          signal.stopped = true;
          await signal.runner?.close();
        },
      });
    },
    get active() {
      return [...jobs.keys()];
    },
    async close() {
      closed = true;
      await Promise.all([...jobs.values()].map(async (j) => {
        await j.stop();
        await j.done;
      }));
    },
  };
}

export type { PartitionSlice };
