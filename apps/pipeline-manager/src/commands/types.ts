import type { BrokerLogger } from '@tributary/broker';
import type { DefinitionsView, PipelineEventsView } from '@tributary/pipeline-state';
import type { SchemaRegistryPort } from '@tributary/schemas';
import type { Admin } from 'kafkajs';

/** One write a command leads to, in the order they must happen. */
export type CommandOutput =
  | { readonly kind: 'definition'; readonly pipelineId: string; readonly value: unknown; readonly version: number }
  | { readonly kind: 'tombstone'; readonly pipelineId: string }
  | { readonly kind: 'event'; readonly pipelineId: string; readonly type: string; readonly value: unknown };

/** A command as the handlers see it (the consumed event, reduced to what they use). */
export interface CommandEnvelope {
  readonly type: string;
  readonly value: unknown;
  /** The command's `event-id`: the idempotency key of everything it causes. */
  readonly eventId: string;
}

export interface CommandDeps {
  readonly definitions: DefinitionsView;
  readonly events: PipelineEventsView;
  readonly registry: SchemaRegistryPort;
  /** Connected admin client for provisioning data topics; owned by the caller. */
  readonly admin: Admin;
  readonly topicPrefix: string;
  readonly dataPartitions: number | undefined;
  readonly clock: () => number;
  readonly logger: BrokerLogger;
}
