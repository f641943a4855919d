import { Headers, headersToStrings, silentLogger } from '@tributary/broker';
import type { KafkaMessage } from 'kafkajs';
import { PipelineStateError } from '../errors.js';
import { initialPipelinesState, type PipelinesState, reducePipelineState } from '../run-state/index.js';
import { createTopicReader, decodeForView } from '../topic-reader/index.js';
import { checkViewOptions } from '../view-options.js';
import { createConditionWaiters } from '../waiting/index.js';
import { RecentEvents } from './recent.js';
import {
  type PipelineEventsListener,
  type PipelineEventsView,
  type PipelineEventsViewOptions,
  pipelineEventsViewDefaults,
  type ViewEvent,
} from './types.js';

/** A processor that missed this many announcements in a row is gone (ProcessorAnnounced's contract). */
const MISSED_ANNOUNCEMENTS = 3;

interface CorrelationWaiter {
  correlationId: string;
  types: ReadonlySet<string> | undefined;
  resolve: (event: ViewEvent) => void;
}

/**
 * The run-state read model: pipeline and staging events replayed from the beginning through
 * {@link reducePipelineState}, plus a short memory of events by correlation and causation id so a
 * requester can wait for the answer to its command.
 */
export function createPipelineEventsView(options: PipelineEventsViewOptions): PipelineEventsView {
  checkViewOptions(options, 'pipeline events view');
  const settings = { ...pipelineEventsViewDefaults, ...definedOnly(options) };
  for (const name of ['correlationRetentionMs', 'maxRememberedIds', 'maxRuns'] as const) {
    if (!Number.isInteger(settings[name]) || settings[name] < 1) {
      throw new PipelineStateError('TRIB_VIEW_OPTIONS_INVALID', `Invalid pipeline events view options: ${name} must be a positive integer`);
    }
  }
  const { kafka, codec, topicPrefix } = options;
  const clock = options.clock ?? Date.now;
  const topics = [`${topicPrefix}.pipeline.events`, `${topicPrefix}.staging.events`];
  const logger = (options.logger ?? silentLogger).child({ component: 'pipeline-events-view' });
  const byCorrelation = new RecentEvents<ViewEvent>(settings.maxRememberedIds, settings.correlationRetentionMs);
  const byCausation = new RecentEvents<ViewEvent>(settings.maxRememberedIds, Number.POSITIVE_INFINITY);
  const listeners = new Set<PipelineEventsListener>();
  const correlationWaiters = new Set<CorrelationWaiter>();
  const waiters = createConditionWaiters();
  let state: PipelinesState = initialPipelinesState;
  let closed = false;

  const matches = (w: { types: ReadonlySet<string> | undefined }, event: ViewEvent) => !w.types || w.types.has(event.type);

  function apply(event: ViewEvent): void {
    state = reducePipelineState(state, event, { maxRuns: settings.maxRuns });
    const now = clock();
    byCorrelation.add(event.correlationId, event, now);
    if (event.causationId) byCausation.add(event.causationId, event, now);
    for (const w of correlationWaiters) {
      if (w.correlationId === event.correlationId && matches(w, event)) {
        correlationWaiters.delete(w);
        w.resolve(event);
      }
    }
    for (const listener of listeners) {
      try {
        listener(event, state);
      } catch (err) {
        logger.warn({ err, type: event.type }, 'pipeline events listener failed');
      }
    }
    waiters.changed();
  }

  async function onMessage(message: KafkaMessage, where: { topic: string; partition: number }): Promise<void> {
    if (message.value === null) return;
    const decoded = await decodeForView(codec, message.value, { logger, isClosed: () => closed, where: { ...where, offset: message.offset } });
    if (!decoded) return;
    const headers = headersToStrings(message.headers);
    const eventId = headers[Headers.eventId] ?? `${where.topic}/${where.partition}/${message.offset}`;
    apply({
      type: decoded.type,
      value: decoded.value,
      key: message.key ? message.key.toString('utf8') : null,
      topic: where.topic,
      partition: where.partition,
      offset: message.offset,
      timestamp: Number(message.timestamp),
      headers,
      eventId,
      correlationId: headers[Headers.correlationId] ?? eventId,
      causationId: headers[Headers.causationId],
    });
  }

  // Two readers, started one after the other: on a replay, every pipeline and run exists before the
  // staging batches that count into them are applied (Kafka orders nothing across topics).
  const readers = topics.map((topic, i) =>
    createTopicReader({ kafka, topics: [topic], groupPrefix: `${topicPrefix}.events-view-${i}`, logger, onMessage }),
  );

  const view: PipelineEventsView = {
    async start() {
      for (const reader of readers) await reader.start();
    },
    get caughtUp() {
      return readers.every((r) => r.caughtUp);
    },
    state: () => state,
    pipeline: (id) => state.pipelines[id],
    pipelines: () => Object.values(state.pipelines),
    runs: (id) => state.pipelines[id]?.runs ?? [],
    run: (id, runId) => state.pipelines[id]?.runs.find((r) => r.runId === runId),
    processors() {
      const now = clock();
      return Object.values(state.processors).filter((p) => now - p.lastSeen <= MISSED_ANNOUNCEMENTS * p.intervalMs);
    },

    waitForCorrelation(correlationId, timeoutMs, waitOptions = {}) {
      if (closed) return Promise.reject(new PipelineStateError('TRIB_VIEW_CLOSED', 'view is closed'));
      const types = waitOptions.types ? new Set(waitOptions.types) : undefined;
      const seen = byCorrelation.get(correlationId, clock()).find((e) => matches({ types }, e));
      if (seen) return Promise.resolve(seen);
      return new Promise<ViewEvent>((resolve, reject) => {
        const waiter: CorrelationWaiter = {
          correlationId,
          types,
          resolve: (event) => {
            clearTimeout(timer);
            resolve(event);
          },
        };
        const timer = setTimeout(() => {
          correlationWaiters.delete(waiter);
          reject(
            new PipelineStateError('TRIB_CORRELATION_TIMEOUT', `No event with correlation id ${correlationId} within ${timeoutMs} ms`),
          );
        }, timeoutMs);
        correlationWaiters.add(waiter);
      });
    },

    causedBy: (eventId) => byCausation.get(eventId, clock()),
    waitUntil: (condition, timeoutMs, what) => waiters.waitUntil(() => condition(view), timeoutMs, what),

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async close() {
      if (closed) return;
      closed = true;
      waiters.close();
      listeners.clear();
      correlationWaiters.clear();
      await Promise.all(readers.map((r) => r.close()));
    },
  };
  return view;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
