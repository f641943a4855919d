import type { Priority } from '@tributary/schemas';
import type { SpanHandle } from '../ports.js';

export interface PublishOptions {
  /** Record key (UTF-8): pipeline id, record id… Decides the partition (inside the priority band). */
  key?: string | null;
  /** Command priority; picks the partition band on banded topics. Default `normal`. */
  priority?: Priority;
  /** Defaults to a new UUID. Pass the id of the thing being published when it has one (dedupe). */
  eventId?: string;
  /** The conversation this message belongs to; defaults to its own event id (a new conversation). */
  correlationId?: string;
  /** The event that caused this one. */
  causationId?: string;
  /** Extra headers (UTF-8 strings). */
  headers?: Record<string, string>;
  /** The span this publish happens under (set by the consumer runner for handler outputs). */
  parentSpan?: SpanHandle;
}

export interface PublishReceipt {
  topic: string;
  eventId: string;
}
