/**
 * What the broker runtime needs from its collaborators, as small structural interfaces: the codec
 * of @tributary/schemas and the telemetry of @tributary/observability satisfy them, and tests can
 * pass fakes. Each is injected through a factory's options; absent telemetry costs nothing.
 */
import type { IHeaders } from 'kafkajs';

/** Avro in the Confluent wire format, registered per `<topic>-<record full name>`. */
export interface EventCodecPort {
  /** Registers (once) and returns a synchronous encoder for `type` on `topic`. */
  encoderFor(topic: string, type: string): Promise<(value: unknown) => Buffer>;
  /** Decodes a wire-format buffer; throws non-retriable errors for malformed bytes or unknown ids. */
  decode(buffer: Buffer): Promise<{ type: string; schemaId: number; value: unknown }>;
  /** Optional fast path: decodes without I/O when the schema id is known, else undefined. */
  decodeCached?(buffer: Buffer): { type: string; schemaId: number; value: unknown } | undefined;
}

export interface SpanHandle {
  end(error?: unknown): void;
}

/** Tracing of publishes and handling; writes/reads W3C `traceparent` in message headers. */
export interface MessagingTelemetryPort {
  /** `parent`: the span of the message being handled, so consume → publish stays one trace. */
  startProducerSpan(destination: string, headers: Record<string, string>, options?: { parent?: SpanHandle }): SpanHandle;
  startConsumerSpan(destination: string, headers: IHeaders | undefined): SpanHandle;
}

interface CounterPort {
  inc(labels: Record<string, string>, value?: number): void;
}

/** The standard messaging metrics (names in docs/observability.md). */
export interface MessagingMetricsPort {
  published: CounterPort;
  consumed: CounterPort;
  failed: CounterPort;
  deadLettered: CounterPort;
  handlerDuration: { observe(labels: Record<string, string>, seconds: number): void };
  consumerLag: { set(labels: Record<string, string>, value: number): void };
}

export const noopSpan: SpanHandle = { end: () => undefined };
export const noopTelemetry: MessagingTelemetryPort = {
  startProducerSpan: () => noopSpan,
  startConsumerSpan: () => noopSpan,
};
const noopCounter: CounterPort = { inc: () => undefined };
export const noopMetrics: MessagingMetricsPort = {
  published: noopCounter,
  consumed: noopCounter,
  failed: noopCounter,
  deadLettered: noopCounter,
  handlerDuration: { observe: () => undefined },
  consumerLag: { set: () => undefined },
};
