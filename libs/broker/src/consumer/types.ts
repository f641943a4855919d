import type { Priority } from '@tributary/schemas';
import type { PublishOptions } from '../publisher/index.js';

/** One decoded message as a handler sees it. */
export interface ConsumedEvent<V = unknown> {
  type: string;
  value: V;
  key: string | null;
  topic: string;
  partition: number;
  offset: string;
  /** Broker timestamp, epoch ms. */
  timestamp: number;
  headers: Record<string, string>;
  eventId: string;
  correlationId: string;
  causationId: string | undefined;
  priority: Priority;
  schemaId: number;
}

export interface HandlerContext {
  /**
   * Queues an output event. It inherits this event's correlation id and names it as its cause.
   * Outputs are sent before the input's offset is committed (at-least-once), or in the same Kafka
   * transaction as the offset (exactly-once) when the runner is transactional. A handler that fails
   * loses the outputs it queued in that attempt.
   */
  publish(topic: string, type: string, value: unknown, options?: Omit<PublishOptions, 'causationId'>): void;
  /** Which attempt this is (1 = first). */
  attempt: number;
}

export type EventHandler<V = unknown> = (event: ConsumedEvent<V>, ctx: HandlerContext) => Promise<void> | void;

/** Handlers by event type (the record full name, as in the `event-type` header). */
export type EventHandlers = Record<string, EventHandler<never>>;

/** The handled, not yet committed messages of one partition, as `beforeCommit` sees them. */
export interface Checkpoint {
  topic: string;
  partition: number;
  /** Offsets of the first and last message this commit covers. */
  firstOffset: string;
  lastOffset: string;
  /** Queues an aggregate output; it is sent before (or with, in a transaction) the commit. */
  publish(topic: string, type: string, value: unknown, options?: Omit<PublishOptions, 'causationId'>): void;
}
