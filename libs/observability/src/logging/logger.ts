import { hostname } from 'node:os';
import { pino, stdTimeFunctions } from 'pino';
import { type MessageHeaders, headerText } from '../message-headers.js';
import { parseOptions } from '../parse-options.js';
import { loggerOptionsSchema, loggingDefaults } from './options.js';
import type { CorrelationIds, Logger, LoggerOptions } from './types.js';

/**
 * A pino logger writing one JSON object per line: `level` (label), `time` (ISO-8601), `service`,
 * `pid`, `hostname`, `msg`, and whatever the call site binds. Components take a namespaced child:
 * `logger.child({ component: 'consumer-runner' })`.
 */
export function createLogger(options: LoggerOptions): Logger {
  const o = parseOptions(loggerOptionsSchema, options, 'createLogger');
  const config = {
    level: o.level,
    base: { service: o.service, pid: process.pid, hostname: hostname() },
    // Labels read better than pino's numbers for people grepping Kafka-side logs.
    formatters: { level: (label: string) => ({ level: label }) },
    timestamp: stdTimeFunctions.isoTime,
    redact: { paths: [...loggingDefaults.redactPaths, ...o.redactPaths], censor: loggingDefaults.censor },
  };
  return o.destination === undefined ? pino(config) : pino(config, o.destination);
}

/**
 * A child logger carrying the message's correlation ids on every line, so one request can be
 * followed across services with a single filter on `correlationId`.
 */
export function withCorrelation(logger: Logger, ids: CorrelationIds): Logger {
  const bindings: Record<string, string> = {};
  if (ids.correlationId !== undefined) bindings.correlationId = ids.correlationId;
  if (ids.causationId !== undefined) bindings.causationId = ids.causationId;
  if (ids.eventId !== undefined) bindings.eventId = ids.eventId;
  return logger.child(bindings);
}

/** Reads the correlation ids from Kafka message headers (`correlation-id`, `causation-id`, `event-id`). */
export function correlationFromHeaders(headers: MessageHeaders | undefined): CorrelationIds {
  if (headers === undefined) return {};
  return {
    correlationId: headerText(headers['correlation-id']),
    causationId: headerText(headers['causation-id']),
    eventId: headerText(headers['event-id']),
  };
}
