import { randomUUID } from 'node:crypto';
import { type BrokerLogger, type EventCodecPort, type Publisher } from '@tributary/broker';
import type { PipelineSource } from '@tributary/pipeline-state';
import { parseWindowDelta } from '@tributary/quality-metrics';
import { pipelineRuleSet } from '@tributary/quality-rules';
import type { QualityIssueResolved, QualityWindowClosed, QualityWindowObserved } from '@tributary/schemas';
import type { Admin, Consumer, Kafka } from 'kafkajs';
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
  groupPrefix: string;
  logger: BrokerLogger;
  clock?: () => number;
  options?: Partial<QualityTrackerOptions>;
}

export interface QualityTracker {
  /** Rebuilds from the events topic, publishes what the previous run had not, then follows it live. */
  start(): Promise<void>;
  readonly caughtUp: boolean;
  /** Ids of the pipeline's issues this tracker holds open (it resolves them when their signal recovers). */
  openIssueIds(pipelineId: string): string[];
  close(): Promise<void>;
}

type Buffered =
  | { kind: 'delta'; value: QualityWindowObserved; at: number }
  | { kind: 'closed'; value: QualityWindowClosed }
  | { kind: 'resolvedByHand'; value: QualityIssueResolved };

/**
 * Turns the window deltas the checkers publish into closed windows, expectation results and quality
 * issues, per pipeline, and publishes them to the same events topic (keyed by pipeline, so a
 * pipeline's deltas and closed windows share a partition, in order).
 *
 * It keeps no state outside Kafka. At start it reads the last `lookbackMs` of the topic to its high
 * watermark, holding the deltas back; then, per pipeline, it resumes after the last window published
 * (`QualityWindowClosed` carries the detector's state), replays the held deltas, publishes the
 * windows they close, and follows the topic live. Issue events are published before their window's
 * `QualityWindowClosed`: a crash between them makes the restarted tracker close that window again
 * and publish the same issue ids again, which readers treat as duplicates.
 *
 * An issue a person resolved (QualityIssueResolved with `resolvedBy`) is retired from its pipeline's
 * detector when read, in order with the deltas, so the tracker never resolves it a second time.
 *
 * Only deltas of a pipeline's live run count (replays are judged by their own records, not as a
 * drop in the live stream). One instance should track a pipeline; with several, each publishes the
 * same windows and issue ids (see docs/quality.md).
 */
export function createQualityTracker(deps: QualityTrackerDeps): QualityTracker {
  const options = { ...qualityTrackerDefaults, ...deps.options };
  const clock = deps.clock ?? Date.now;
  const logger = deps.logger.child({ component: 'quality-tracker' });
  const groupId = `${deps.groupPrefix}.${randomUUID()}`;
  const consumer: Consumer = deps.kafka.consumer({ groupId, readUncommitted: false, allowAutoTopicCreation: false, maxWaitTimeInMs: 1_000 });
  const admin: Admin = deps.kafka.admin();
  const pipelines = new Map<string, PipelineWindows>();
  /** Catching up: everything read is held here, in order, until the high watermarks are reached. */
  let held: Buffered[] | undefined = [];
  const targets = new Map<number, bigint>();
  /** Where reading starts per partition: older messages are history the lookback leaves out. */
  const from = new Map<number, bigint>();
  const deltaWindowMs = parseWindow(DELTA_WINDOW);
  let caughtUp = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let settle: (() => void) | undefined;
  // Publishing is sequential: a pipeline's issue events must precede its QualityWindowClosed.
  let publishing: Promise<void> = Promise.resolve();

  function windowsOf(pipelineId: string): PipelineWindows | undefined {
    const current = deps.source.definition(pipelineId);
    const known = pipelines.get(pipelineId);
    if (known && (!current || known.version === current.version)) return known;
    if (!current) return undefined;
    // A new version may bring other rules and fields: its windows start afresh.
    const rules = pipelineRuleSet(current.definition);
    const windows = new PipelineWindows(pipelineId, current.version, windowPlan(current.definition, rules), { allowedLateness: options.allowedLateness, idleMs: options.idleMs });
    pipelines.set(pipelineId, windows);
    return windows;
  }

  function emit(events: readonly ClosedWindowEvents[]): void {
    for (const e of events) {
      const key = e.closed.pipelineId;
      publishing = publishing.then(async () => {
        for (const issue of e.issues) {
          await deps.publisher.publish(deps.topic, issue.type === 'opened' ? QualityEventNames.issueOpened : QualityEventNames.issueResolved, issue.value, { key });
        }
        await deps.publisher.publish(deps.topic, QualityEventNames.windowClosed, e.closed, { key });
      });
      publishing = publishing.catch((err: unknown) => logger.error({ err, pipelineId: key, windowStart: e.closed.windowStart }, 'could not publish a closed window'));
    }
  }

  function onDelta(value: QualityWindowObserved, at: number): void {
    const live = deps.source.liveRunId(value.pipelineId);
    if (value.runId !== null && value.runId !== live) return;
    const windows = windowsOf(value.pipelineId);
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

  /** After catching up: resume each pipeline after its last published window, then replay the deltas. */
  function replayHeld(events: Buffered[]): void {
    const lastClosed = new Map<string, QualityWindowClosed>();
    for (const e of events) {
      // Only the delta windows (the detector's size) carry the state to resume from.
      if (e.kind === 'closed') {
        const previous = lastClosed.get(e.value.pipelineId);
        if (!previous || e.value.windowEnd >= previous.windowEnd) lastClosed.set(e.value.pipelineId, e.value);
      }
    }
    for (const [pipelineId, last] of lastClosed) {
      try {
        windowsOf(pipelineId)?.resume(last);
      } catch (err) {
        logger.warn({ err, pipelineId }, 'could not resume from the last published window; starting afresh');
      }
    }
    for (const e of events) {
      if (e.kind === 'delta') onDelta(e.value, e.at);
      // One resolved before the last published window is not in its detector state: retiring does nothing.
      else if (e.kind === 'resolvedByHand') onResolvedByHand(e.value);
    }
  }

  function markCaughtUp(): void {
    if (caughtUp || targets.size > 0 || !held) return;
    const events = held;
    held = undefined;
    replayHeld(events);
    caughtUp = true;
    settle?.();
  }

  return {
    get caughtUp() {
      return caughtUp;
    },

    openIssueIds: (pipelineId) => pipelines.get(pipelineId)?.openIssueIds() ?? [],

    async start() {
      await admin.connect();
      const since = clock() - options.lookbackMs;
      const starts = await admin.fetchTopicOffsetsByTimestamp(deps.topic, since);
      for (const p of await admin.fetchTopicOffsets(deps.topic)) {
        const start = BigInt(starts.find((s) => s.partition === p.partition)?.offset ?? p.high);
        from.set(p.partition, start);
        if (BigInt(p.high) > start) targets.set(p.partition, BigInt(p.high) - 1n);
      }
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        // Also batches of transaction markers only: the high watermark may lie past the last message.
        const target = targets.get(payload.partition);
        if (target !== undefined && BigInt(payload.lastOffset) >= target) {
          targets.delete(payload.partition);
          markCaughtUp();
        }
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [deps.topic], fromBeginning: true });
      const done = new Promise<void>((resolve) => (settle = resolve));
      await consumer.run({
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          const start = from.get(batch.partition) ?? 0n;
          for (const message of batch.messages) {
            if (!isRunning() || isStale() || closed) return;
            resolveOffset(message.offset);
            if (!message.value || BigInt(message.offset) < start) continue;
            let decoded: { type: string; value: unknown };
            try {
              decoded = await deps.codec.decode(message.value);
            } catch (err) {
              logger.warn({ err, partition: batch.partition, offset: message.offset }, 'skipping an event the tracker cannot decode');
              continue;
            }
            const at = Number(message.timestamp);
            if (decoded.type === QualityEventNames.windowObserved) {
              const value = decoded.value as QualityWindowObserved;
              if (held) held.push({ kind: 'delta', value, at });
              else onDelta(value, at);
            } else if (decoded.type === QualityEventNames.windowClosed && held) {
              const value = decoded.value as QualityWindowClosed;
              // Only windows of the detector's size carry the state a restart resumes from.
              if (value.windowEnd - value.windowStart === deltaWindowMs) held.push({ kind: 'closed', value });
            } else if (decoded.type === QualityEventNames.issueResolved) {
              const value = decoded.value as QualityIssueResolved;
              if (value.resolvedBy === null) continue;
              if (held) held.push({ kind: 'resolvedByHand', value });
              else onResolvedByHand(value);
            }
          }
          await heartbeat();
        },
      });
      for (const [partition, offset] of from) consumer.seek({ topic: deps.topic, partition, offset: String(offset) });
      markCaughtUp();
      await done;
      timer = setInterval(() => {
        for (const windows of pipelines.values()) emit(windows.flush(clock()));
      }, options.flushIntervalMs);
      timer.unref();
      logger.info({ topic: deps.topic, pipelines: pipelines.size }, 'quality tracker caught up');
    },

    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      settle?.();
      await publishing;
      await consumer.disconnect().catch((err: unknown) => logger.warn({ err }, 'tracker consumer did not disconnect cleanly'));
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect();
    },
  };
}
