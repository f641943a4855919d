/**
 * Errors of @tributary/broker, in one module. `code` is stable (callers and scripts match on it);
 * `retriable` says whether the same call may succeed later (e.g. the broker was down), so a retry
 * helper can decide without parsing messages; `cause` keeps the kafkajs error.
 */
export type BrokerErrorCode =
  /** No broker answered: connection refused, timed out or dropped. Retriable. */
  | 'TRIB_BROKER_UNREACHABLE'
  /** Reading topic metadata or configs failed. */
  | 'TRIB_TOPIC_DESCRIBE_FAILED'
  /** The broker refused to create one or more topics (policy, replication, invalid config…). */
  | 'TRIB_TOPIC_CREATE_FAILED'
  /** A condition awaited on the cluster (e.g. new topics visible) did not hold in time. Retriable. */
  | 'TRIB_BROKER_TIMEOUT'
  /** The caller passed invalid options; fix the call, never retry it. */
  | 'TRIB_BROKER_OPTIONS_INVALID'
  /** The broker did not acknowledge a batch of publishes (other than being unreachable). */
  | 'TRIB_PUBLISH_FAILED'
  /** `publish` after `close()`. */
  | 'TRIB_PUBLISHER_CLOSED'
  /** Reading a slice of a topic failed (the consumer crashed, or its offsets could not be read). */
  | 'TRIB_TOPIC_READ_FAILED'
  /** A topic follower was closed while something waited on it. */
  | 'TRIB_FOLLOWER_CLOSED'
  /** A topic follower did not read up to the topic's end in time. Retriable. */
  | 'TRIB_FOLLOWER_BEHIND';

export class BrokerError extends Error {
  readonly retriable: boolean;

  constructor(
    readonly code: BrokerErrorCode,
    message: string,
    options: { retriable?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'BrokerError';
    this.retriable = options.retriable ?? (code === 'TRIB_BROKER_UNREACHABLE' || code === 'TRIB_BROKER_TIMEOUT');
  }
}

// kafkajs error names that mean "could not talk to a broker" rather than "the broker said no".
const CONNECTION_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
]);

/**
 * True when `err`, or anything in its `cause` chain, is a connection failure. kafkajs wraps the
 * original failure in KafkaJSNumberOfRetriesExceeded / KafkaJSNonRetriableError once retries run
 * out, so the top-level name alone is not enough.
 */
export function isConnectionFailure(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    if (CONNECTION_ERRORS.has(e.name)) return true;
  }
  return false;
}

/** Wraps a kafkajs error: connection failures become TRIB_BROKER_UNREACHABLE, others keep `code`. */
export function toBrokerError(err: unknown, code: BrokerErrorCode, message: string): BrokerError {
  if (err instanceof BrokerError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  if (isConnectionFailure(err)) {
    return new BrokerError('TRIB_BROKER_UNREACHABLE', `${message}: Kafka unreachable (${reason})`, { cause: err });
  }
  const retriable = err instanceof Error && (err as { retriable?: unknown }).retriable === true;
  return new BrokerError(code, `${message}: ${reason}`, { retriable, cause: err });
}

/**
 * Thrown by a handler to say "this message can never succeed": it is not retried and goes to the
 * dead-letter topic at once (bad content, a rule it breaks). Everything else is retried first.
 */
export class UnrecoverableError extends Error {
  readonly retriable = false;
  constructor(
    message: string,
    readonly code: string = 'TRIB_UNRECOVERABLE',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UnrecoverableError';
  }
}
