import type { Attributes, Context } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { MessageHeaders } from '../message-headers.js';

/** A span around one publish or one handled message. */
export interface MessagingSpan {
  /** 32 hex digits; all zeros when tracing is off. */
  readonly traceId: string;
  /** 16 hex digits; all zeros when tracing is off. */
  readonly spanId: string;
  /** OpenTelemetry context holding this span: pass it as `parent` to spans started while handling. */
  readonly context: Context;
  /**
   * Ends the span. With an error, records it as an exception, sets status ERROR and `error.type`
   * (the error's `code`, e.g. `TRIB_…`, else its name). Ending twice is a no-op.
   */
  end(error?: unknown): void;
}

export interface MessagingSpanOptions {
  /**
   * Parent of a producer span (e.g. the consumer span of the message being handled). Default: the
   * active OpenTelemetry context, which is the root unless the app registered a context manager.
   * Ignored by consumer spans, whose parent is always the producer's, read from the headers.
   */
  parent?: MessagingSpan;
  /** Extra attributes, e.g. `messaging.kafka.message.key`, `messaging.consumer.group.name`. */
  attributes?: Attributes;
}

/**
 * Tracing as the broker runtime and apps see it. Injected through options; `noopTelemetry` stands in
 * when tracing is off and costs a function call and nothing more.
 */
export interface Telemetry {
  /**
   * Starts a PRODUCER span `publish <destination>` and writes its W3C `traceparent` (and `tracestate`
   * when there is one) into `headers` as UTF-8 strings, ready for a Kafka message.
   */
  startProducerSpan(destination: string, headers: Record<string, string>, options?: MessagingSpanOptions): MessagingSpan;
  /**
   * Starts a CONSUMER span `process <destination>` continuing the trace whose `traceparent` is in the
   * message headers (Buffer or string values); a new trace when there is none or it is malformed.
   */
  startConsumerSpan(destination: string, headers: MessageHeaders | undefined, options?: MessagingSpanOptions): MessagingSpan;
  /** Exports every finished span now (tests call it before reading an in-memory exporter). */
  flush(): Promise<void>;
  /** Flushes, then shuts the tracer provider and its exporter down. Safe to call twice. */
  close(): Promise<void>;
}

export type SpanProcessorKind = 'batch' | 'simple';

export interface TelemetryOptions {
  /** `service.name` of every span's resource. Required. */
  serviceName: string;
  /** `service.version` of the resource. Default: not set. */
  serviceVersion?: string;
  /**
   * Where finished spans go, e.g. an OTLP exporter or `InMemorySpanExporter` in tests. Default: none;
   * spans are still created and `traceparent` still propagated, so downstream traces stay connected.
   */
  exporter?: SpanExporter;
  /**
   * `batch` exports in the background (for real exporters); `simple` exports each span as it ends
   * (handy with an in-memory exporter). Default: `tracingDefaults.spanProcessor` (`batch`).
   */
  spanProcessor?: SpanProcessorKind;
  /**
   * Share of new traces that are recorded, 0–1; a message carrying a `traceparent` follows its
   * producer's decision. Default: `tracingDefaults.sampleRatio` (1, everything).
   */
  sampleRatio?: number;
}
