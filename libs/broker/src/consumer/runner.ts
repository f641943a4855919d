import { randomUUID } from 'node:crypto';
import type { PriorityBand } from '@tributary/schemas';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
import { UnrecoverableError } from '../errors.js';
import { eventHeaders, Headers, headersToStrings } from '../headers.js';
import { type BrokerLogger, silentLogger } from '../logger.js';
import {
  type EventCodecPort,
  type MessagingMetricsPort,
  type MessagingTelemetryPort,
  noopMetrics,
  noopTelemetry,
  type SpanHandle,
} from '../ports.js';
import { BandScheduler, parsePriority, PriorityBandAssigner } from '../priority/index.js';
import type { Publisher, PublishOptions } from '../publisher/index.js';
import { backoffDelay, isInfrastructureFailure, isRetriable, retry, type RetryOutcome } from '../retry/index.js';
import { deadLetterOf, deadLetterTopicOf } from './dead-letter.js';
import { type ConsumerRunnerOptions, resolveConsumerRunnerOptions } from './options.js';
import { chunkTopicMessages } from './send-chunks.js';
import type { Checkpoint, ConsumedEvent, EventHandlers, HandlerContext } from './types.js';

export interface ConsumerRunnerDeps {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  codec: EventCodecPort;
  handlers: EventHandlers;
  /** Sends outputs and dead letters (at-least-once mode). */
  publisher: Publisher;
  /**
   * Called before each commit of a partition's handled messages, to publish what the handlers
   * aggregated over them (counts, profiles): those outputs are sent and acknowledged before the
   * offsets commit, or join the same transaction, so an aggregate counts each message exactly when
   * its offset commits.
   */
  beforeCommit?: (checkpoint: Checkpoint) => void;
  /**
   * Called when a partition's batch fails before its handled messages committed (they will be
   * handled again): drop what the handlers aggregated for that partition since the last commit.
   */
  onUncommitted?: (where: { topic: string; partition: number }) => void;
  /**
   * Called after a partition's batch was handled to its last message and committed, when that batch
   * reached the partition's end (its high watermark when fetched): the member is caught up there for
   * now. A handler that writes behind (buffers effects and writes them on a timer) can write then.
   */
  onCaughtUp?: (where: { topic: string; partition: number }) => void;
  /** Band layout per topic (topic catalog): banded topics are drained high band first. */
  bandsOf?: (topic: string) => readonly PriorityBand[] | undefined;
  telemetry?: MessagingTelemetryPort;
  metrics?: MessagingMetricsPort;
  logger?: BrokerLogger;
  options?: Parameters<typeof resolveConsumerRunnerOptions>[0];
}

export interface ConsumerRunner {
  /** Connects, joins the group and starts handling; resolves once the consumer runs. */
  start(): Promise<void>;
  /** True once the group was joined (and not since left). */
  readonly joined: boolean;
  /** This member's partitions per topic, as of the last rebalance. */
  readonly assignment: Readonly<Record<string, number[]>>;
  /** Stops fetching, finishes the message in hand, commits, leaves the group — within the deadline. */
  close(): Promise<void>;
}

type Output =
  | { kind: 'event'; topic: string; type: string; value: unknown; options: PublishOptions }
  | { kind: 'raw'; topic: string; message: { key: Buffer | null; value: Buffer | null; headers: Record<string, string> } };

/** Messages handled between two checks of whether the batch went stale (the first is checked). */
const STALE_CHECK_EVERY = 64;

/** How long a batch may keep the event loop before timers and I/O get a turn (banded topics). */
const EVENT_LOOP_TURN_MS = 5;

/** A handled message's outputs, or `stop` when shutdown interrupted it before it could finish. */
type Handled = Output[] | 'stop';

/** A message being handled: its bytes, decoded headers, where it came from and its span. */
interface MessageInHand {
  raw: KafkaMessage;
  value: Buffer;
  headers: Record<string, string>;
  where: { topic: string; partition: number; offset: string; eventId: string | undefined; correlationId: string | undefined };
  span: SpanHandle;
}

/** The HandlerContext of one attempt: outputs inherit the event's correlation id and name it as cause. */
class OutputCollector implements HandlerContext {
  readonly outputs: Output[] = [];
  constructor(
    readonly attempt: number,
    private readonly event: ConsumedEvent,
    private readonly span: SpanHandle,
  ) {}

  publish(topic: string, type: string, value: unknown, opts: Omit<PublishOptions, 'causationId'> = {}): void {
    // Copied field by field: a spread of `opts` here cost several µs per output (V8 slow path).
    const options: PublishOptions = {
      correlationId: opts.correlationId ?? this.event.correlationId,
      causationId: this.event.eventId,
      parentSpan: this.span,
    };
    if (opts.key !== undefined) options.key = opts.key;
    if (opts.eventId !== undefined) options.eventId = opts.eventId;
    if (opts.priority !== undefined) options.priority = opts.priority;
    if (opts.headers !== undefined) options.headers = opts.headers;
    this.outputs.push({ kind: 'event', topic, type, value, options });
  }
}

/**
 * Runs a manager's consumer group: decodes each message, calls the handler for its event type,
 * retries retriable failures with backoff, dead-letters what cannot succeed (so one bad message
 * never blocks its partition), and commits an offset only after the handler and its outputs are
 * acknowledged — or, in transactional mode, commits outputs and offsets in one Kafka transaction.
 */
export function createConsumerRunner(deps: ConsumerRunnerDeps): ConsumerRunner {
  const options: ConsumerRunnerOptions = resolveConsumerRunnerOptions(deps.options);
  const { groupId, codec, handlers, publisher } = deps;
  const telemetry = deps.telemetry ?? noopTelemetry;
  const metrics = deps.metrics ?? noopMetrics;
  const logger = (deps.logger ?? silentLogger).child({ component: 'consumer', groupId });
  const transactional = options.transactionalId !== undefined;
  const banded = deps.bandsOf && deps.topics.some((t) => deps.bandsOf?.(t)?.length);

  const consumer: Consumer = deps.kafka.consumer({
    groupId,
    sessionTimeout: options.sessionTimeoutMs,
    maxBytesPerPartition: options.maxBytesPerPartition,
    readUncommitted: false,
    ...(deps.bandsOf ? { partitionAssigners: [PriorityBandAssigner(deps.bandsOf)] } : {}),
  });
  const admin: Admin | undefined = banded ? deps.kafka.admin() : undefined;
  const scheduler = admin && deps.bandsOf ? new BandScheduler(admin, consumer, groupId, { bandsOf: deps.bandsOf }) : undefined;
  const txProducer: Producer | undefined = transactional
    ? deps.kafka.producer({ transactionalId: options.transactionalId, idempotent: true, maxInFlightRequests: 1 })
    : undefined;
  let joined = false;
  let assignment: Record<string, number[]> = {};
  let stopping = false;

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    joined = true;
    assignment = payload.memberAssignment;
    logger.info({ assignment: payload.memberAssignment }, 'joined group');
    if (scheduler) {
      scheduler.onAssignment(payload.memberAssignment).then(
        () => scheduler.start(),
        (err: unknown) => logger.warn({ err }, 'could not read committed offsets for priority scheduling'),
      );
    }
  });
  consumer.on(consumer.events.STOP, () => (joined = false));
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    joined = false;
    logger.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
  });

  function toEvent(
    message: KafkaMessage,
    headers: Record<string, string>,
    where: { topic: string; partition: number },
    decoded: { type: string; schemaId: number; value: unknown },
  ): ConsumedEvent {
    const { topic, partition } = where;
    const eventId = headers[Headers.eventId] ?? `${topic}/${partition}/${message.offset}`;
    return {
      type: decoded.type,
      value: decoded.value,
      key: message.key ? message.key.toString('utf8') : null,
      topic,
      partition,
      offset: message.offset,
      timestamp: Number(message.timestamp),
      headers,
      eventId,
      correlationId: headers[Headers.correlationId] ?? eventId,
      causationId: headers[Headers.causationId],
      priority: parsePriority(headers[Headers.priority]),
      schemaId: decoded.schemaId,
    };
  }

  /**
   * One attempt at a message: decode, call its handler, collect its outputs. A plain function with
   * a prototype-method context, because it runs per message: no closures allocated on the hot path.
   */
  async function attemptMessage(message: MessageInHand, attempt: number): Promise<Output[]> {
    const decoded = codec.decodeCached?.(message.value) ?? (await codec.decode(message.value));
    const handler = handlers[decoded.type];
    if (!handler) {
      if (options.onUnknownType === 'dead-letter') {
        throw new UnrecoverableError(`No handler for event type ${decoded.type} in group ${groupId}`, 'TRIB_NO_HANDLER');
      }
      return [];
    }
    const event = toEvent(message.raw, message.headers, message.where, decoded);
    const ctx = new OutputCollector(attempt, event, message.span);
    await (handler as (e: ConsumedEvent, c: HandlerContext) => Promise<void> | void)(event, ctx);
    return ctx.outputs;
  }

  async function handleMessage(raw: KafkaMessage, topic: string, partition: number): Promise<Handled> {
    // Tombstones (null values) only delete keys on compacted topics; there is nothing to handle.
    if (raw.value === null) return [];
    const headers = headersToStrings(raw.headers);
    const typeLabel = headers[Headers.eventType] ?? 'unknown';
    // Every log line about this message carries its ids, so one grep follows it across services.
    const where = {
      topic,
      partition,
      offset: raw.offset,
      eventId: headers[Headers.eventId],
      correlationId: headers[Headers.correlationId],
    };
    const message: MessageInHand = { raw, value: raw.value, headers, where, span: telemetry.startConsumerSpan(topic, raw.headers) };
    const started = performance.now();
    let outcome: RetryOutcome<Output[]>;
    // The first attempt runs outside the retry helper: nearly every message succeeds at once.
    try {
      outcome = { ok: true, value: await attemptMessage(message, 1), attempts: 1 };
    } catch (error) {
      const firstFailureAt = Date.now();
      if (options.retry.maxAttempts <= 1 || !isRetriable(error) || stopping) {
        outcome = { ok: false, error, attempts: 1, firstFailureAt };
      } else {
        metrics.failed.inc({ topic, event_type: typeLabel });
        const delayMs = backoffDelay(1, options.retry);
        logger.warn({ err: error, ...where, attempt: 1, delayMs }, 'handler failed; retrying');
        await new Promise((r) => setTimeout(r, delayMs));
        const rest = await retry((attempt) => attemptMessage(message, attempt), options.retry, {
          startAttempt: 2,
          shouldStop: () => stopping,
          onRetry: (err, attempt, delay) => {
            metrics.failed.inc({ topic, event_type: typeLabel });
            logger.warn({ err, ...where, attempt, delayMs: delay }, 'handler failed; retrying');
          },
        });
        outcome = { ...rest, firstFailureAt };
      }
    }
    const span = message.span;
    metrics.handlerDuration.observe({ topic, event_type: typeLabel }, (performance.now() - started) / 1000);
    if (outcome.ok) {
      metrics.consumed.inc({ topic, event_type: typeLabel });
      span.end();
      return outcome.value ?? [];
    }
    span.end(outcome.error);
    metrics.failed.inc({ topic, event_type: typeLabel });
    // Shutting down in the middle of retries of a failure that could still succeed: leave the
    // message uncommitted for whoever gets the partition next, rather than dead-lettering it.
    if (stopping && isRetriable(outcome.error) && outcome.attempts < options.retry.maxAttempts) return 'stop';
    // An outage outlasted the retries: the message is fine, so it must not be dead-lettered. Fail
    // the batch instead; kafkajs restarts from the last committed offset after its own backoff.
    if (isInfrastructureFailure(outcome.error)) throw outcome.error;
    metrics.deadLettered.inc({ topic, event_type: typeLabel });
    logger.warn({ err: outcome.error, ...where, attempts: outcome.attempts }, 'message dead-lettered');
    const dead = deadLetterOf(
      raw,
      { topic, partition, groupId },
      { error: outcome.error, attempts: outcome.attempts, firstFailureAt: outcome.firstFailureAt ?? Date.now(), now: Date.now() },
    );
    return [{ kind: 'raw', topic: deadLetterTopicOf(topic), message: dead }];
  }

  function send(output: Output): Promise<unknown> {
    return output.kind === 'event'
      ? publisher.publish(output.topic, output.type, output.value, output.options)
      : publisher.publishRaw(output.topic, output.message);
  }

  async function commitInTransaction(outputs: Output[], topic: string, partition: number, nextOffset: string): Promise<void> {
    const producer = txProducer!;
    const spans: SpanHandle[] = [];
    // As few requests as the size limit allows for all outputs of the checkpoint, grouped by topic
    // (order kept within a topic).
    const byTopic = new Map<string, Message[]>();
    const add = (t: string, m: Message) => {
      const list = byTopic.get(t);
      if (list) list.push(m);
      else byTopic.set(t, [m]);
    };
    // Outputs come in runs of one topic and type: look the encoder up once per run, not per output.
    let encoderOf: { topic: string; type: string; encode: (value: unknown) => Buffer } | undefined;
    for (const o of outputs) {
      if (o.kind === 'raw') {
        add(o.topic, o.message);
      } else {
        if (encoderOf?.topic !== o.topic || encoderOf.type !== o.type) {
          encoderOf = { topic: o.topic, type: o.type, encode: await codec.encoderFor(o.topic, o.type) };
        }
        const encode = encoderOf.encode;
        const headers = eventHeaders(o.type, o.options.eventId ?? randomUUID(), o.options);
        const parent = o.options.parentSpan;
        spans.push(telemetry.startProducerSpan(o.topic, headers, parent ? { parent } : undefined));
        add(o.topic, { key: o.options.key ?? null, value: encode(o.value), headers });
      }
    }
    const txn = await producer.transaction();
    try {
      for (const topicMessages of chunkTopicMessages(byTopic)) await txn.sendBatch({ acks: -1, topicMessages });
      await txn.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: [{ partition, offset: nextOffset }] }] });
      await txn.commit();
      for (const span of spans) span.end();
    } catch (err) {
      for (const span of spans) span.end(err);
      await txn.abort().catch(() => undefined);
      throw err;
    }
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    let outputs: Output[] = [];
    let sends: Promise<unknown>[] = [];
    let lastHandled: string | undefined;
    let committed: string | undefined;
    let sinceCommit = 0;
    let firstUncommitted: string | undefined;

    // At-least-once mode: every `commitEvery` messages the outputs so far must be acknowledged (so
    // memory stays bounded and a crash redoes little), but the group commit — a round trip — happens
    // once per fetched batch. Transactional mode commits a transaction every time.
    const flushOutputs = async () => {
      const results = await Promise.allSettled(sends);
      sends = [];
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      // An output was not acknowledged: throw before committing, so kafkajs restarts from the last
      // committed offset and the messages are handled again (at-least-once).
      if (failed) throw failed.reason;
    };
    const checkpoint = async (final: boolean) => {
      if (lastHandled === undefined || lastHandled === committed) return;
      if (!transactional && !final) {
        await flushOutputs();
        sinceCommit = 0;
        await heartbeat();
        return;
      }
      const next = (BigInt(lastHandled) + 1n).toString();
      if (deps.beforeCommit) {
        const aggregated: Output[] = [];
        deps.beforeCommit({
          topic,
          partition,
          firstOffset: firstUncommitted ?? lastHandled,
          lastOffset: lastHandled,
          publish(outTopic, type, value, opts = {}) {
            aggregated.push({ kind: 'event', topic: outTopic, type, value, options: opts });
          },
        });
        if (transactional) outputs.push(...aggregated);
        else for (const o of aggregated) sends.push(send(o));
      }
      if (transactional) {
        await commitInTransaction(outputs, topic, partition, next);
        outputs = [];
      } else {
        await flushOutputs();
        await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: next }] }] });
      }
      resolveOffset(lastHandled);
      committed = lastHandled;
      firstUncommitted = undefined;
      sinceCommit = 0;
      await heartbeat();
    };

    let sinceStaleCheck = STALE_CHECK_EVERY - 1;
    try {
      let turnAt = performance.now();
      for (const message of batch.messages) {
        // Handlers that finish synchronously keep the batch in the microtask queue, where timers and
        // I/O never run: give them a turn every few ms, or the band scheduler's polls wait for the
        // next commit and urgent work waits behind the whole lower-band batch.
        if (scheduler && performance.now() - turnAt >= EVENT_LOOP_TURN_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          turnAt = performance.now();
        }
        // isStale() (a seek() on this partition since the fetch) costs a JSON.stringify per call in
        // kafkajs and this runner never seeks its consumer: asked every STALE_CHECK_EVERY messages.
        if (!isRunning() || stopping) break;
        if (++sinceStaleCheck >= STALE_CHECK_EVERY) {
          sinceStaleCheck = 0;
          if (isStale()) break;
        }
        if (scheduler?.shouldYield(topic, partition)) break;
        const handled = await handleMessage(message, topic, partition);
        if (handled === 'stop') break;
        if (transactional) outputs.push(...handled);
        else for (const o of handled) sends.push(send(o));
        lastHandled = message.offset;
        firstUncommitted ??= message.offset;
        scheduler?.markProcessed(topic, partition, message.offset);
        if (++sinceCommit >= options.commitEvery) await checkpoint(false);
      }
      await checkpoint(true);
    } catch (err) {
      deps.onUncommitted?.({ topic, partition });
      throw err;
    }
    const lag = Number(batch.offsetLag());
    metrics.consumerLag.set({ group: groupId, topic, partition: String(partition) }, lag);
    if (lag === 0 && lastHandled !== undefined && lastHandled === batch.messages[batch.messages.length - 1]?.offset) {
      deps.onCaughtUp?.({ topic, partition });
    }
  }

  return {
    get joined() {
      return joined;
    },

    get assignment() {
      return assignment;
    },

    async start() {
      await Promise.all([consumer.connect(), admin?.connect(), txProducer?.connect()]);
      await consumer.subscribe({ topics: deps.topics, fromBeginning: options.fromBeginning });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        // One producer runs one transaction at a time: transactional runners take partitions in turn.
        partitionsConsumedConcurrently: transactional ? 1 : options.partitionsConsumedConcurrently,
        eachBatch,
      });
    },

    async close() {
      stopping = true;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), options.shutdownTimeoutMs)));
      const stopped = (async () => {
        await consumer.disconnect();
        await scheduler?.close();
        await Promise.all([admin?.disconnect(), txProducer?.disconnect()]);
      })();
      const result = await Promise.race([stopped.then(() => 'stopped' as const), deadline]);
      clearTimeout(timer);
      if (result === 'timeout') logger.warn({ timeoutMs: options.shutdownTimeoutMs }, 'consumer did not stop in time');
    },
  };
}
