import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Labels of the message counters and the handler histogram: bounded by topics × event types, never ids. */
export type MessageLabel = 'topic' | 'event_type';
/** Labels of the lag gauge: one series per group and partition. */
export type LagLabel = 'group' | 'topic' | 'partition';

/** Tributary's standard messaging metrics, registered in their own registry. */
export interface TributaryMetrics {
  readonly service: string;
  /** The registry holding these metrics (and the default process metrics). */
  readonly registry: Registry;
  /** The `Content-Type` of `render()`'s output (Prometheus text exposition 0.0.4). */
  readonly contentType: string;
  /** `tributary_messages_published_total`: messages acknowledged by the broker. */
  readonly published: Counter<MessageLabel>;
  /** `tributary_messages_consumed_total`: messages handled successfully. */
  readonly consumed: Counter<MessageLabel>;
  /** `tributary_messages_failed_total`: handler attempts that threw (each retry counts). */
  readonly failed: Counter<MessageLabel>;
  /** `tributary_messages_dead_lettered_total`: messages sent to `<topic>.dlq`. */
  readonly deadLettered: Counter<MessageLabel>;
  /** `tributary_handler_duration_seconds`: time a handler took per message. */
  readonly handlerDuration: Histogram<MessageLabel>;
  /** `tributary_consumer_lag`: messages between the committed offset and the partition's high watermark. */
  readonly consumerLag: Gauge<LagLabel>;
  /** Every metric of the registry in Prometheus text format. */
  render(): Promise<string>;
  /** Unregisters these metrics; the registry is cleared if this instance created it. Safe to call twice. */
  close(): Promise<void>;
}

export interface MetricsOptions {
  /** Name of the service; added as the `service` label of every series when the registry is our own. Required. */
  service: string;
  /**
   * Registry to register into (e.g. one an app shares with its own metrics). Default: a new registry
   * owned by this instance; prom-client's global registry is never used, so several services can
   * share a process.
   */
  registry?: Registry;
  /** Also collect Node process metrics, prefixed `tributary_`. Default: `metricsDefaults.collectDefaultMetrics` (true). */
  collectDefaultMetrics?: boolean;
  /** Upper bounds (seconds) of the handler histogram. Default: `metricsDefaults.handlerDurationBuckets` (0.1 ms–10 s). */
  handlerDurationBuckets?: readonly number[];
}

/** Calls the next middleware; express passes one, a plain Node server does not. */
export type NextFunction = (error?: unknown) => void;

/** A handler with the `(req, res)` signature shared by `http.createServer` and express. */
export type MetricsRequestHandler = (req: IncomingMessage, res: ServerResponse, next?: NextFunction) => void;

export interface MetricsHandlerOptions {
  /** Path served. Default: `metricsDefaults.path` (`/metrics`). */
  path?: string;
}
