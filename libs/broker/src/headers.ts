import type { IHeaders } from 'kafkajs';

/** Header names of DESIGN.md: every Tributary message carries them as UTF-8 strings. */
export const Headers = {
  eventType: 'event-type',
  eventId: 'event-id',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  priority: 'priority',
  traceparent: 'traceparent',
} as const;

/**
 * The standard headers of a new event; `extra` headers never override the standard ones. Built by
 * assignment, not by spreading into a literal with computed keys: that form costs V8 several µs per
 * call (a dictionary-mode object), and this runs once per message published.
 */
export function eventHeaders(
  type: string,
  eventId: string,
  opts: { correlationId?: string | undefined; causationId?: string | undefined; priority?: string | undefined; headers?: Record<string, string> | undefined },
): Record<string, string> {
  const headers: Record<string, string> = {};
  const extra = opts.headers;
  if (extra) for (const name in extra) headers[name] = extra[name]!;
  headers['event-type'] = type;
  headers['event-id'] = eventId;
  headers['correlation-id'] = opts.correlationId ?? eventId;
  if (opts.causationId) headers['causation-id'] = opts.causationId;
  if (opts.priority) headers['priority'] = opts.priority;
  return headers;
}

/** Headers a dead-lettered message gains; the original headers are kept as they were. */
export const DeadLetterHeaders = {
  errorCode: 'dlq-error-code',
  errorMessage: 'dlq-error-message',
  attempts: 'dlq-attempts',
  firstFailureAt: 'dlq-first-failure-at',
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  consumerGroup: 'dlq-consumer-group',
  deadLetteredAt: 'dlq-dead-lettered-at',
} as const;

/** Kafka headers as plain strings (kafkajs gives Buffers, or arrays for repeated names: last wins). */
export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [name, raw] of Object.entries(headers)) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value !== undefined) out[name] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  return out;
}
