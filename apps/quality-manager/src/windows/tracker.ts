import { type BrokerLogger, type EventCodecPort, type Publisher } from '@tributary/broker';
import type { PipelineSource } from '@tributary/pipeline-state';
import { parseWindowDelta } from '@tributary/quality-metrics';
import { pipelineRuleSet } from '@tributary/quality-rules';
import type { QualityIssueResolved, QualityWindowClosed, QualityWindowObserved } from '@tributary/schemas';
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { QualityEventNames } from '../checking/topics.js';
import { type ClosedWindowEvents, PipelineWindows } from './pipeline-windows.js';
import { DELTA_WINDOW, windowPlan } from './plan.js';
import { parseWindow } from '@tributary/pipelines';

export interface QualityTrackerOptions {
  /** How far back a starting tracker reads `<prefix>.quality.events` to rebuild its windows. Default 2 h. */
  lookbackMs: number;
  /** How often quiet windows are closed. Default 5 s. */
  flushIntervalMs: number;
  /** The reducers' allowed lateness: how far a window's deltas may trail the newest. Default `30s`. */
  allowedLateness: string;
  /** A `.processed` partition whose deltas stopped this long ago no longer holds windows open. Default 30 s. */
  idleMs: number;
}

export const qualityTrackerDefaults: Readonly<QualityTrackerOptions> = Object.freeze({
  lookbackMs: 2 * 3_600_000,
  flushIntervalMs: 5_000,
  allowedLateness: '30s',
  idleMs: 30_000,
});

export interface QualityTrackerDeps {
  kafka: Kafka;
  codec: Pick<EventCodecPort, 'decode'>;
  publisher: Pick<Publisher, 'publish'>;
  source: Pick<PipelineSource, 'definition' | 'liveRunId'>;
  /** `<prefix>.quality.events`. */
  topic: string;
  /** The trackers' consumer group: every instance joins it, and each pipeline is tracked by one. */
  groupId: string;
  /** The group session timeout: how long a killed instance's partitions wait before another takes them. */
  sessionTimeoutMs: number;
  logger: BrokerLogger;
  clock?: () => number;
  options?: Partial<QualityTrackerOptions>;
}

export interface QualityTracker {
  /** Joins the group and resolves once the partitions it was given are rebuilt and followed live. */
  start(): Promise<void>;
  /** Every partition this instance holds is rebuilt (true too when it holds none). */
  readonly caughtUp: boolean;
  /** `<prefix>.quality.events` partitions this instance tracks the pipelines of. */
  partitions(): number[];
  /** Ids of the pipeline's issues this tracker holds open (it resolves them when their signal recovers). */
  openIssueIds(pipelineId: string): string[];
  close(): Promise<void>;
}

type Buffered =
  | { kind: 'delta'; value: QualityWindowObserved; at: number }
  | { kind: 'closed'; value: QualityWindowClosed }
  | { kind: 'resolvedByHand'; value: QualityIssueResolved };

/** One partition of the events topic this instance holds: rebuilding (`held` set) or live. */
interface PartitionState {
  /** Offsets before it are history the lookback leaves out. */
  from: bigint;
  /** The last offset to read before going live; undefined once live. */
  target?: bigint;
  /** While rebuilding: everything read, in order, until `target`. */
  held?: Buffered[];
  /** The next offset to read: where a rebalance that keeps the partition resumes. */
  next: bigint;
}

/**
 * Turns the window deltas the checkers publish into closed windows, expectation results and quality
 * issues, per pipeline, and publishes them to the same events topic (keyed by pipeline, so a
 * pipeline's deltas, closed windows and issues share a partition, in order).
 *
 * The trackers of every instance form one consumer group on the events topic, so each partition — and
 * each pipeline, whose events are all in one partition — is tracked by one instance. Nothing is
 * committed and nothing kept outside Kafka: when it is given a partition (at start or in a
 * rebalance), a tracker reads its last `lookbackMs` to the high watermark, holding the deltas back;
 * then, per pipeline, it resumes after the last window published (`QualityWindowClosed` carries the
 * detector's state), replays the held deltas, publishes the windows they close, and follows the
 * partition live. A partition taken away drops its pipelines; the new owner resumes them the same way.
 * Issue events are published before their window's `QualityWindowClosed`: a crash (or a rebalance)
 * between them makes the next owner close that window again and publish the same issue ids again,
 * which readers treat as duplicates.
 *
 * An issue a person resolved (QualityIssueResolved with `resolvedBy`) is retired from its pipeline's
 * detector when read, in order with the deltas, so the tracker never resolves it a second time.
 *
 * Only deltas of a pipeline's live run count (replays are judged by their own records, not as a
 * drop in the live stream).
 */
export function createQualityTracker(deps: QualityTrackerDeps): QualityTracker {
  const options = { ...qualityTrackerDefaults, ...deps.options };
  const clock = deps.clock ?? Date.now;
  const { topic } = deps;
  const logger = deps.logger.child({ component: 'quality-tracker' });
  const consumer: Consumer = deps.kafka.consumer({
    groupId: deps.groupId,
    sessionTimeout: deps.sessionTimeoutMs,
    readUncommitted: false,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 1_000,
  });
  const admin: Admin = deps.kafka.admin();
  const pipelines = new Map<string, PipelineWindows>();
  /** The partition each tracked pipeline's events are in. */
  const partitionOf = new Map<string, number>();
  const partitions = new Map<number, PartitionState>();
  const deltaWindowMs = parseWindow(DELTA_WINDOW);
  let joined = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let settle: (() => void) | undefined;
  // Assignments are applied one at a time, in order: each reads offsets, then seeks.
  let assigning: Promise<void> = Promise.resolve();
  // Publishing is sequential: a pipeline's issue events must precede its QualityWindowClosed.
  let publishing: Promise<void> = Promise.resolve();

  const caughtUp = () => joined && [...partitions.values()].every((p) => p.held === undefined);

  function windowsOf(pipelineId: string, partition: number): PipelineWindows | undefined {
    const current = deps.source.definition(pipelineId);
    const known = pipelines.get(pipelineId);
    if (known && (!current || known.version === current.version)) return known;
    if (!current) return undefined;
    // A new version may bring other rules and fields: its windows start afresh.
    const rules = pipelineRuleSet(current.definition);
    const windows = new PipelineWindows(pipelineId, current.version, windowPlan(current.definition, rules), { allowedLateness: options.allowedLateness, idleMs: options.idleMs });
    pipelines.set(pipelineId, windows);
    partitionOf.set(pipelineId, partition);
    return windows;
  }

  function emit(events: readonly ClosedWindowEvents[]): void {
    for (const e of events) {
      const key = e.closed.pipelineId;
      publishing = publishing.then(async () => {
        for (const issue of e.issues) {
          await deps.publisher.publish(topic, issue.type === 'opened' ? QualityEventNames.issueOpened : QualityEventNames.issueResolved, issue.value, { key });
        }
        await deps.publisher.publish(topic, QualityEventNames.windowClosed, e.closed, { key });
      });
      publishing = publishing.catch((err: unknown) => logger.error({ err, pipelineId: key, windowStart: e.closed.windowStart }, 'could not publish a closed window'));
    }
  }

  function onDelta(value: QualityWindowObserved, at: number, partition: number): void {
    const live = deps.source.liveRunId(value.pipelineId);
    if (value.runId !== null && value.runId !== live) return;
    const windows = windowsOf(value.pipelineId, partition);
    if (!windows) return;
    let delta;
    try {
      delta = parseWindowDelta(value);
      emit(windows.add(value.sourcePartition, delta, at, clock()));
    } catch (err) {
      // A delta that does not merge (e.g. written under another freshness rule) is left out, not fatal.
      logger.warn({ err, pipelineId: value.pipelineId, windowStart: value.windowStart }, 'skipping a window delta');
    }
  }

  function onResolvedByHand(value: QualityIssueResolved): void {
    if (pipelines.get(value.pipelineId)?.retire(value.issueId)) {
      logger.info({ pipelineId: value.pipelineId, issueId: value.issueId }, 'issue resolved by hand; no longer tracked');
    }
  }

  /** A partition rebuilt: resume each of its pipelines after its last published window, then replay. */
  function goLive(partition: number, state: PartitionState): void {
    const events = state.held ?? [];
    state.held = undefined;
    state.target = undefined;
    const lastClosed = new Map<string, QualityWindowClosed>();
    for (const e of events) {
      if (e.kind !== 'closed') continue;
      const previous = lastClosed.get(e.value.pipelineId);
      if (!previous || e.value.windowEnd >= previous.windowEnd) lastClosed.set(e.value.pipelineId, e.value);
    }
    for (const [pipelineId, last] of lastClosed) {
      try {
        windowsOf(pipelineId, partition)?.resume(last);
      } catch (err) {
        logger.warn({ err, pipelineId }, 'could not resume from the last published window; starting afresh');
      }
    }
    for (const e of events) {
      if (e.kind === 'delta') onDelta(e.value, e.at, partition);
      // One resolved before the last published window is not in its detector state: retiring does nothing.
      else if (e.kind === 'resolvedByHand') onResolvedByHand(e.value);
    }
    logger.info({ partition, events: events.length, pipelines: lastClosed.size }, 'partition rebuilt; tracking live');
    if (caughtUp()) settle?.();
  }

  function drop(partition: number): void {
    partitions.delete(partition);
    for (const [pipelineId, p] of [...partitionOf]) {
      if (p !== partition) continue;
      partitionOf.delete(pipelineId);
      pipelines.delete(pipelineId);
    }
  }

  /**
   * A (re)join: partitions taken away are dropped; kept ones resume where they were (with nothing
   * committed, the consumer would start them from the beginning); new ones are rebuilt.
   */
  async function assign(assigned: readonly number[]): Promise<void> {
    const now = new Set(assigned);
    for (const partition of [...partitions.keys()]) if (!now.has(partition)) drop(partition);
    const fresh = assigned.filter((p) => !partitions.has(p));
    if (fresh.length > 0) {
      const since = clock() - options.lookbackMs;
      const starts = await admin.fetchTopicOffsetsByTimestamp(topic, since);
      const ends = await admin.fetchTopicOffsets(topic);
      for (const partition of fresh) {
        const high = BigInt(ends.find((e) => e.partition === partition)?.high ?? '0');
        const from = BigInt(starts.find((s) => s.partition === partition)?.offset ?? high);
        partitions.set(partition, { from, next: from, ...(high > from ? { target: high - 1n, held: [] } : {}) });
      }
    }
    for (const [partition, state] of partitions) consumer.seek({ topic, partition, offset: String(state.next) });
    joined = true;
    logger.info({ partitions: assigned, rebuilding: fresh }, 'quality tracker assigned');
    if (caughtUp()) settle?.();
  }

  async function onMessage(partition: number, state: PartitionState, message: KafkaMessage): Promise<void> {
    if (!message.value) return;
    let decoded: { type: string; value: unknown };
    try {
      decoded = await deps.codec.decode(message.value);
    } catch (err) {
      logger.warn({ err, partition, offset: message.offset }, 'skipping an event the tracker cannot decode');
      return;
    }
    const at = Number(message.timestamp);
    const { held } = state;
    if (decoded.type === QualityEventNames.windowObserved) {
      const value = decoded.value as QualityWindowObserved;
      if (held) held.push({ kind: 'delta', value, at });
      else onDelta(value, at, partition);
    } else if (decoded.type === QualityEventNames.windowClosed && held) {
      const value = decoded.value as QualityWindowClosed;
      // Only windows of the detector's size carry the state a rebuild resumes from.
      if (value.windowEnd - value.windowStart === deltaWindowMs) held.push({ kind: 'closed', value });
    } else if (decoded.type === QualityEventNames.issueResolved) {
      const value = decoded.value as QualityIssueResolved;
      if (value.resolvedBy === null) return;
      if (held) held.push({ kind: 'resolvedByHand', value });
      else onResolvedByHand(value);
    }
  }

  return {
    get caughtUp() {
      return caughtUp();
    },

    partitions: () => [...partitions.keys()].sort((a, b) => a - b),

    openIssueIds: (pipelineId) => pipelines.get(pipelineId)?.openIssueIds() ?? [],

    async start() {
      await admin.connect();
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        const assigned = payload.memberAssignment[topic] ?? [];
        assigning = assigning
          .then(() => assign(assigned))
          .catch((err: unknown) => {
            // The partitions stay unassigned here; the group's next rebalance (or a restart) tries again.
            logger.error({ err, partitions: assigned }, 'could not take the assigned partitions');
          });
      });
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        // Also batches of transaction markers only: the high watermark may lie past the last message.
        const state = partitions.get(payload.partition);
        if (state?.target !== undefined && BigInt(payload.lastOffset) >= state.target) goLive(payload.partition, state);
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const done = new Promise<void>((resolve) => (settle = resolve));
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
          const state = partitions.get(batch.partition);
          // A batch fetched before the assignment's seek: the seek fetches it again from the right place.
          if (!state) return;
          for (const message of batch.messages) {
            if (!isRunning() || isStale() || closed) return;
            const offset = BigInt(message.offset);
            if (offset < state.next) continue;
            state.next = offset + 1n;
            await onMessage(batch.partition, state, message);
          }
          await heartbeat();
        },
      });
      await done;
      timer = setInterval(() => {
        for (const windows of pipelines.values()) emit(windows.flush(clock()));
      }, options.flushIntervalMs);
      timer.unref();
      logger.info({ topic, partitions: [...partitions.keys()], pipelines: pipelines.size }, 'quality tracker caught up');
    },

    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      settle?.();
      await publishing;
      await consumer.disconnect().catch((err: unknown) => logger.warn({ err }, 'tracker consumer did not disconnect cleanly'));
      await admin.disconnect();
    },
  };
}
