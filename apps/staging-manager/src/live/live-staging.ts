import type { BrokerLogger, ConsumerRunner } from '@tributary/broker';
import type { Admin } from 'kafkajs';
import type { DefinitionsSource } from '../types.js';
import type { StagingTopics } from '../staging/topics.js';

export interface LiveStagingDeps {
  definitions: DefinitionsSource;
  topics: StagingTopics;
  admin: Admin;
  /** A (not yet started) runner subscribed to `topics`. */
  createRunner(topics: string[]): ConsumerRunner;
  logger: BrokerLogger;
  restartDebounceMs: number;
  missingTopicRetryMs: number;
}

export interface LiveStaging {
  start(): void;
  /** The `.raw` topics the running consumer reads (empty when none runs). */
  readonly topics: readonly string[];
  /** True when no runner is needed, or the runner joined its group. */
  readonly ready: boolean;
  /** Resolves once the reconciliations scheduled so far are done (tests, shutdown). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Keeps one consumer runner subscribed to the `.raw` topic of every pipeline (plus pipeline events,
 * for replays). kafkajs cannot change the subscription of a running consumer, so a change of the
 * pipeline set stops the runner and starts a new one with the new topics (debounced, and one
 * reconciliation at a time). No pipelines, no runner. A pipeline whose `.raw` topic does not exist yet
 * (the pipeline manager provisions it) is left out and looked at again a little later.
 */
export function createLiveStaging(deps: LiveStagingDeps): LiveStaging {
  const logger = deps.logger.child({ component: 'live-staging' });
  let runner: ConsumerRunner | undefined;
  let current: string[] = [];
  let chain: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let unsubscribe: (() => void) | undefined;

  const schedule = (delayMs: number) => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      chain = chain.then(reconcile, reconcile);
    }, delayMs);
  };

  async function reconcile(): Promise<void> {
    if (closed) return;
    const wanted = [...new Set(deps.definitions.list().map((p) => deps.topics.raw(p.pipelineId)))].sort();
    let existing: Set<string>;
    try {
      existing = new Set(wanted.length > 0 ? await deps.admin.listTopics() : []);
    } catch (err) {
      logger.warn({ err }, 'could not list topics; retrying');
      schedule(deps.missingTopicRetryMs);
      return;
    }
    const desired = wanted.filter((t) => existing.has(t));
    if (desired.length < wanted.length) {
      logger.info({ missing: wanted.filter((t) => !existing.has(t)) }, 'raw topics not provisioned yet; will look again');
      schedule(deps.missingTopicRetryMs);
    }
    if (desired.join('\n') === current.join('\n') && runner) return;
    if (runner) {
      await runner.close();
      runner = undefined;
      current = [];
    }
    if (desired.length === 0 || closed) return;
    const next = deps.createRunner([...desired, deps.topics.pipelineEvents]);
    try {
      await next.start();
      runner = next;
      current = desired;
      logger.info({ topics: desired }, 'staging raw topics');
    } catch (err) {
      logger.error({ err }, 'could not start the staging consumer; retrying');
      await next.close().catch(() => undefined);
      schedule(deps.missingTopicRetryMs);
    }
  }

  return {
    start() {
      unsubscribe = deps.definitions.subscribe(() => schedule(deps.restartDebounceMs));
      schedule(0);
    },
    get topics() {
      return current;
    },
    get ready() {
      return runner ? runner.joined : current.length === 0;
    },
    settled: () => chain,
    async close() {
      closed = true;
      clearTimeout(timer);
      unsubscribe?.();
      await chain;
      await runner?.close();
      runner = undefined;
    },
  };
}
