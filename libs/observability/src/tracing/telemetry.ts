import { type Context, type Span, type Tracer, ROOT_CONTEXT, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { MessageHeaders } from '../message-headers.js';
import { parseOptions } from '../parse-options.js';
import { MessagingAttribute, errorMessage, errorType, messagingAttributes } from './attributes.js';
import { kafkaHeadersGetter, kafkaHeadersSetter } from './carriers.js';
import { telemetryOptionsSchema, tracingDefaults } from './options.js';
import type { MessagingSpan, MessagingSpanOptions, Telemetry, TelemetryOptions } from './types.js';

class OtelMessagingSpan implements MessagingSpan {
  #ended = false;

  constructor(
    private readonly span: Span,
    readonly context: Context,
  ) {}

  get traceId(): string {
    return this.span.spanContext().traceId;
  }

  get spanId(): string {
    return this.span.spanContext().spanId;
  }

  end(error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    if (error !== undefined) {
      const message = errorMessage(error);
      this.span.recordException(error instanceof Error ? error : message);
      this.span.setStatus({ code: SpanStatusCode.ERROR, message });
      this.span.setAttribute(MessagingAttribute.errorType, errorType(error));
    }
    this.span.end();
  }
}

/**
 * Tracing through Kafka headers with explicit context passing: no global provider, propagator or
 * context manager is registered, so several services can share a process (as in tests) without
 * seeing each other's spans, and nothing depends on async-hooks bookkeeping on the hot path.
 */
export function createTelemetry(options: TelemetryOptions): Telemetry {
  const o = parseOptions(telemetryOptionsSchema, options, 'createTelemetry');
  const resource = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: o.serviceName,
    ...(o.serviceVersion === undefined ? {} : { [ATTR_SERVICE_VERSION]: o.serviceVersion }),
  });
  const spanProcessors =
    o.exporter === undefined
      ? []
      : [o.spanProcessor === 'simple' ? new SimpleSpanProcessor(o.exporter) : new BatchSpanProcessor(o.exporter)];
  const provider = new BasicTracerProvider({
    resource,
    spanProcessors,
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(o.sampleRatio) }),
  });
  const tracer: Tracer = provider.getTracer(tracingDefaults.tracerName);
  const propagator = new W3CTraceContextPropagator();
  let closing: Promise<void> | undefined;

  return {
    startProducerSpan(destination: string, headers: Record<string, string>, spanOptions?: MessagingSpanOptions) {
      const parent = spanOptions?.parent?.context ?? context.active();
      const span = tracer.startSpan(
        `publish ${destination}`,
        { kind: SpanKind.PRODUCER, attributes: messagingAttributes('publish', destination, spanOptions?.attributes) },
        parent,
      );
      const spanContext = trace.setSpan(parent, span);
      propagator.inject(spanContext, headers, kafkaHeadersSetter);
      return new OtelMessagingSpan(span, spanContext);
    },

    startConsumerSpan(destination: string, headers: MessageHeaders | undefined, spanOptions?: MessagingSpanOptions) {
      // The producer's context, not the ambient one: a handled message belongs to the trace that sent it.
      const parent = headers === undefined ? ROOT_CONTEXT : propagator.extract(ROOT_CONTEXT, headers, kafkaHeadersGetter);
      const span = tracer.startSpan(
        `process ${destination}`,
        { kind: SpanKind.CONSUMER, attributes: messagingAttributes('process', destination, spanOptions?.attributes) },
        parent,
      );
      return new OtelMessagingSpan(span, trace.setSpan(parent, span));
    },

    flush: () => provider.forceFlush(),

    close() {
      closing ??= provider.forceFlush().then(() => provider.shutdown());
      return closing;
    },
  };
}
