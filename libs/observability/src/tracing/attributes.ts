import { inspect } from 'node:util';
import type { Attributes } from '@opentelemetry/api';

/**
 * Messaging semantic-convention attributes. `messaging.operation` is the name older backends and
 * dashboards group by; `messaging.operation.type`/`.name` are its replacements in semconv ≥ 1.26.
 * Both are written so either kind of query finds the spans.
 */
export const MessagingAttribute = {
  system: 'messaging.system',
  destination: 'messaging.destination.name',
  operation: 'messaging.operation',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  errorType: 'error.type',
} as const;

export type MessagingOperation = 'publish' | 'process';

const operationType: Record<MessagingOperation, string> = { publish: 'send', process: 'process' };

export function messagingAttributes(operation: MessagingOperation, destination: string, extra?: Attributes): Attributes {
  return {
    [MessagingAttribute.system]: 'kafka',
    [MessagingAttribute.destination]: destination,
    [MessagingAttribute.operation]: operation,
    [MessagingAttribute.operationType]: operationType[operation],
    [MessagingAttribute.operationName]: operation,
    ...extra,
  };
}

/** A low-cardinality name for an error: its stable `code` (`TRIB_…`) when it has one, else its class. */
export function errorType(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    if (error instanceof Error) return error.name;
  }
  return '_OTHER';
}

/** A readable message for anything thrown; handlers may throw strings or plain objects. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : inspect(error, { depth: 2, breakLength: Infinity });
}
