import { randomUUID } from 'node:crypto';
import type { PriorityBand } from '@tributary/schemas';
import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import { toBrokerError } from '../errors.js';
import { eventHeaders, Headers } from '../headers.js';
import { type BrokerLogger, silentLogger } from '../logger.js';
import { type EventCodecPort, type MessagingMetricsPort, type MessagingTelemetryPort, noopMetrics, noopTelemetry, type SpanHandle } from '../ports.js';
import { PriorityBandPartitioner } from '../priority/index.js';
import { kafkaCompression, type PublisherOptions, resolvePublisherOptions } from './options.js';
import type { PublishOptions, PublishReceipt } from './types.js';

export interface PublisherDeps {
  kafka: Kafka;
  codec: EventCodecPort;
  /** Band layout per topic (topic catalog); banded topics place messages by priority. */
  bandsOf?: (topic: string) => readonly PriorityBand[] | undefined;
  telemetry?: MessagingTelemetryPort;
  metrics?: MessagingMetricsPort;
  logger?: BrokerLogger;
  options?: Partial<PublisherOptions>;
}

interface Pending {
  topic: string;
  type: string;
  message: Message;
  bytes: number;
  /** Called with `receipt` once the batch is acknowledged. */
  resolve: (receipt: PublishReceipt | undefined) => void;
  reject: (err: Error) => void;
  /** An event's producer span, ended when its batch is sent, and its receipt. */
  span: SpanHandle | undefined;
  receipt: PublishReceipt | undefined;
}

/**
 * An already-encoded message. Header values may be Buffers: a value shared by many messages is then
 * encoded to UTF-8 once, not once per message.
 */
export interface RawMessage {
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers: Record<string, string | Buffer>;
}

export interface Publisher {
  /** Encodes and queues one event; resolves once the broker acknowledged it (acks=all). */
  publish(topic: string, type: string, value: unknown, options?: PublishOptions): Promise<PublishReceipt>;
  /**
   * Queues an already-encoded message as it is (dead letters, redrives): same batching, no codec,
   * no added headers. Resolves once acknowledged.
   */
  publishRaw(topic: string, message: { key: Buffer | string | null; value: Buffer | null; headers: Record<string, string> }): Promise<void>;
  /**
   * Queues many already-encoded messages of one event type (ingest) the same way, with one promise
   * for them all: it resolves once every one is acknowledged, and rejects with the first failure.
   */
  publishRawBatch(topic: string, eventType: string, messages: readonly RawMessage[]): Promise<void>;
  /** Resolves when everything queued so far is acknowledged (or failed). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));
const noop = () => undefined;

/**
 * The one way Tributary code writes to Kafka: Avro values through the registry, the standard
 * headers, an idempotent producer with acks=all, and concurrent publishes coalesced into batched
 * sends (bounded by count, bytes and linger). One batch is in flight at a time, which keeps the
 * idempotent producer's per-partition order; the next batch fills meanwhile. When the buffer is
 * full, `publish` waits for room instead of growing memory without bound.
 */
export function createPublisher(deps: PublisherDeps): Publisher {
  const options = resolvePublisherOptions(deps.options);
  const telemetry = deps.telemetry ?? noopTelemetry;
  const metrics = deps.metrics ?? noopMetrics;
  const logger = (deps.logger ?? silentLogger).child({ component: 'publisher' });
  const producer: Producer = deps.kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    // Also for unbanded topics: it hashes keys with murmur2 over all partitions, as Java clients do.
    createPartitioner: PriorityBandPartitioner(deps.bandsOf ?? (() => undefined)),
  });
  /**
   * The encoder of a topic and event type: `encode` once the registry answered; `waiting` counts
   * the publishes still in line for it, which later publishes must not overtake.
   */
  interface EncoderEntry {
    encode: ((value: unknown) => Buffer) | undefined;
    readonly ready: Promise<(value: unknown) => Buffer>;
    waiting: number;
  }
  const encoders = new Map<string, Map<string, EncoderEntry>>();
  // A FIFO as an array with a moving head: batches are taken from the front without copying the rest.
  let queue: Pending[] = [];
  let head = 0;
  const queued = () => queue.length - head;
  let queuedBytes = 0;
  /** Bytes queued or in flight: what back-pressure bounds. */
  let bufferedBytes = 0;
  let inFlight: Promise<void> | undefined;
  let lingerTimer: NodeJS.Timeout | undefined;
  let connected: Promise<void> | undefined;
  let closed = false;
  const roomWaiters: (() => void)[] = [];

  const connect = () => (connected ??= producer.connect());

  /** Asks the codec for an encoder (registering the schema); concurrent first publishes share one lookup. */
  function encoderEntry(topic: string, type: string): EncoderEntry {
    let byType = encoders.get(topic);
    if (!byType) encoders.set(topic, (byType = new Map<string, EncoderEntry>()));
    const known = byType.get(type);
    if (known) return known;
    const types = byType;
    const entry: EncoderEntry = {
      encode: undefined,
      waiting: 0,
      ready: deps.codec.encoderFor(topic, type).then(
        (encode) => (entry.encode = encode),
        (err: unknown) => {
          types.delete(type); // the next publish asks again
          throw err;
        },
      ),
    };
    types.set(type, entry);
    return entry;
  }

  function schedule(): void {
    if (inFlight) return; // the send in flight will pick the queue up when it ends
    if (queued() >= options.maxBatchCount || queuedBytes >= options.maxBatchBytes || options.lingerMs === 0) {
      send();
    } else {
      lingerTimer ??= setTimeout(send, options.lingerMs);
    }
  }

  function takeBatch(): Pending[] {
    let bytes = 0;
    let end = head;
    const limit = Math.min(queue.length, head + options.maxBatchCount);
    while (end < limit && (end === head || bytes + queue[end]!.bytes <= options.maxBatchBytes)) {
      bytes += queue[end]!.bytes;
      end++;
    }
    const batch = queue.slice(head, end);
    head = end;
    if (head === queue.length) {
      queue = [];
      head = 0;
    } else if (head > 65_536) {
      queue = queue.slice(head);
      head = 0;
    }
    queuedBytes -= bytes;
    return batch;
  }

  function send(): void {
    if (lingerTimer) clearTimeout(lingerTimer);
    lingerTimer = undefined;
    if (inFlight || queued() === 0) return;
    const batch = takeBatch();
    inFlight = sendBatch(batch).finally(() => {
      inFlight = undefined;
      for (const p of batch) bufferedBytes -= p.bytes;
      while (roomWaiters.length && bufferedBytes < options.bufferMaxBytes) roomWaiters.shift()!();
      if (queued()) schedule();
    });
  }

  async function sendBatch(batch: Pending[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const p of batch) {
      let list = byTopic.get(p.topic);
      if (!list) byTopic.set(p.topic, (list = []));
      list.push(p.message);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    let error: Error | undefined;
    try {
      await connect();
      await producer.sendBatch({
        topicMessages,
        acks: -1,
        timeout: options.sendTimeoutMs,
        compression: kafkaCompression(options.compression),
      });
    } catch (err) {
      error = toBrokerError(err, 'TRIB_PUBLISH_FAILED', `Publishing ${batch.length} messages failed`);
      logger.warn({ err: error, count: batch.length }, 'publish failed');
    }
    // Every message is settled before anything else can go wrong; spans and metrics come after.
    for (const p of batch) {
      if (error) p.reject(error);
      else p.resolve(p.receipt);
    }
    for (const p of batch) {
      try {
        p.span?.end(error);
      } catch (err) {
        logger.warn({ err }, 'ending a producer span failed');
      }
    }
    if (!error) countPublished(batch);
  }

  const bytesOf = (message: Message): number =>
    (message.value ? Buffer.byteLength(message.value) : 0) + (message.key ? Buffer.byteLength(message.key) : 0);
  const hasRoomFor = (bytes: number) => bufferedBytes + bytes <= options.bufferMaxBytes || bufferedBytes === 0;

  async function waitForRoom(bytes: number): Promise<void> {
    while (!hasRoomFor(bytes)) await new Promise<void>((r) => roomWaiters.push(r));
  }

  /** Queues a message that has room; `resolve` or `reject` is called once its batch is sent. */
  function push(pending: Pending): void {
    bufferedBytes += pending.bytes;
    queuedBytes += pending.bytes;
    queue.push(pending);
    schedule();
  }

  const closedError = (topic: string) => toBrokerError(new Error('publisher is closed'), 'TRIB_PUBLISHER_CLOSED', `Cannot publish to ${topic}`);
  function assertOpen(topic: string): void {
    if (closed) throw closedError(topic);
  }

  /** Adds a sent batch to the published counter, one increment per run of the same topic and type. */
  function countPublished(batch: Pending[]): void {
    let run = batch[0];
    let n = 0;
    for (const p of batch) {
      if (p.topic === run!.topic && p.type === run!.type) {
        n++;
        continue;
      }
      metrics.published.inc({ topic: run!.topic, event_type: run!.type }, n);
      run = p;
      n = 1;
    }
    if (run) metrics.published.inc({ topic: run.topic, event_type: run.type }, n);
  }

  function publish(topic: string, type: string, value: unknown, opts: PublishOptions = {}): Promise<PublishReceipt> {
    if (closed) return Promise.reject(closedError(topic));
    const entry = encoders.get(topic)?.get(type);
    // Straight on once the registry answered and nothing waits for it; otherwise in line behind
    // the publishes that wait (they resume in call order), so none is overtaken.
    if (entry?.encode !== undefined && entry.waiting === 0) return publishEncoded(entry.encode, topic, type, value, opts);
    const line = entry ?? encoderEntry(topic, type);
    line.waiting++;
    return line.ready.then(
      (encode) => {
        line.waiting--;
        return publishEncoded(encode, topic, type, value, opts);
      },
      (err: unknown) => {
        line.waiting--;
        throw err;
      },
    );
  }

  /** Encodes and queues one event. Rejects, never throws: whatever fails here is the caller's publish failing. */
  function publishEncoded(encode: (value: unknown) => Buffer, topic: string, type: string, value: unknown, opts: PublishOptions): Promise<PublishReceipt> {
    let pending: Pending;
    try {
      assertOpen(topic);
      const encoded = encode(value);
      const eventId = opts.eventId ?? randomUUID();
      const headers = eventHeaders(type, eventId, opts);
      const span = telemetry.startProducerSpan(topic, headers, opts.parentSpan ? { parent: opts.parentSpan } : undefined);
      const message: Message = { key: opts.key ?? null, value: encoded, headers };
      pending = { topic, type, message, bytes: bytesOf(message), resolve: noop, reject: noop, span, receipt: { topic, eventId } };
    } catch (err) {
      return Promise.reject(asError(err));
    }
    // One promise per publish, settled by its batch's send; no named closures here, as tsx (keepNames)
    // wraps each one made in a naming call, per publish.
    return new Promise<PublishReceipt | undefined>((resolve, reject) => {
      pending.resolve = resolve;
      pending.reject = reject;
      if (hasRoomFor(pending.bytes)) push(pending);
      else void waitForRoom(pending.bytes).then(() => (closed ? reject(closedError(topic)) : push(pending)));
    }) as Promise<PublishReceipt>; // resolved with the receipt set just above
  }

  /** Queues already-encoded messages in order, each waiting for buffer room; one promise for them all. */
  async function publishRawBatch(topic: string, eventType: string, messages: readonly RawMessage[]): Promise<void> {
    assertOpen(topic);
    let left = messages.length;
    if (left === 0) return;
    let settle!: { resolve: () => void; reject: (err: Error) => void };
    const all = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    // It may fail while later messages wait for room, before the caller holds it: not unhandled.
    all.catch(() => undefined);
    let failed = false;
    const acknowledged = () => {
      if (--left === 0) settle.resolve();
    };
    const failedWith = (err: Error) => {
      failed = true;
      settle.reject(err);
    };
    for (const message of messages) {
      const bytes = bytesOf(message);
      if (!hasRoomFor(bytes)) await waitForRoom(bytes);
      // After a failed send, or once closed, the rest is not queued; what was queued before may be
      // written all the same: the caller must treat the batch as failed, not as unwritten.
      if (failed) break;
      if (closed) {
        settle.reject(closedError(topic));
        break;
      }
      push({ topic, type: eventType, message, bytes, resolve: acknowledged, reject: failedWith, span: undefined, receipt: undefined });
    }
    return all;
  }

  return {
    publish,

    publishRaw(topic, message) {
      return publishRawBatch(topic, message.headers[Headers.eventType] ?? 'unknown', [message]);
    },

    publishRawBatch,

    async flush() {
      while (queued() || inFlight) {
        send();
        await inFlight?.catch(() => undefined);
      }
    },

    async close() {
      closed = true;
      await this.flush();
      if (connected) await producer.disconnect();
    },
  };
}
