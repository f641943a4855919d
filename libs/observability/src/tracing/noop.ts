import { INVALID_SPANID, INVALID_TRACEID, ROOT_CONTEXT } from '@opentelemetry/api';
import type { MessagingSpan, Telemetry } from './types.js';

/** One shared, frozen span: tracing off allocates nothing per message. */
export const noopSpan: MessagingSpan = Object.freeze({
  traceId: INVALID_TRACEID,
  spanId: INVALID_SPANID,
  context: ROOT_CONTEXT,
  end: () => undefined,
});

const resolved = Promise.resolve();

/** Telemetry that records nothing and writes no header; the default wherever telemetry is optional. */
export const noopTelemetry: Telemetry = Object.freeze({
  startProducerSpan: () => noopSpan,
  startConsumerSpan: () => noopSpan,
  flush: () => resolved,
  close: () => resolved,
});
