import { type RetryPolicy, resolveRetryPolicy } from '../retry/index.js';

export interface ConsumerRunnerOptions {
  /** Where a new group starts: the earliest record (true, default) or only new ones. */
  fromBeginning: boolean;
  /** Partitions handled at the same time; each partition stays in order. Default 3. */
  partitionsConsumedConcurrently: number;
  /** Most bytes fetched per partition per request. Default 1 MiB. */
  maxBytesPerPartition: number;
  /**
   * Wait for the outputs to be acknowledged after this many handled messages within a batch, and in
   * transactional mode commit a transaction; at-least-once mode commits offsets once per fetched
   * batch (a fetch is bounded by maxBytesPerPartition). Default 500.
   */
  commitEvery: number;
  /** Group session timeout. Default 30 s. */
  sessionTimeoutMs: number;
  /** What to do with an event type that has no handler: skip it (default) or dead-letter it. */
  onUnknownType: 'skip' | 'dead-letter';
  /** Handler retries before dead-lettering. */
  retry: RetryPolicy;
  /**
   * Consume-transform-produce in Kafka transactions: outputs and the input offsets commit together
   * (exactly-once for Kafka-to-Kafka stages). Needs a stable id per instance. Default off.
   */
  transactionalId: string | undefined;
  /** The longest `close()` waits for in-flight work before giving up. Default 30 s. */
  shutdownTimeoutMs: number;
}

export const consumerRunnerDefaults = {
  fromBeginning: true,
  partitionsConsumedConcurrently: 3,
  maxBytesPerPartition: 1024 * 1024,
  commitEvery: 500,
  sessionTimeoutMs: 30_000,
  onUnknownType: 'skip',
  transactionalId: undefined,
  shutdownTimeoutMs: 30_000,
} as const;

export function resolveConsumerRunnerOptions(
  overrides: Partial<Omit<ConsumerRunnerOptions, 'retry'>> & { retry?: Partial<RetryPolicy> } = {},
): ConsumerRunnerOptions {
  const { retry, ...rest } = overrides;
  const o: ConsumerRunnerOptions = { ...consumerRunnerDefaults, ...rest, retry: resolveRetryPolicy(retry) };
  if (!Number.isInteger(o.partitionsConsumedConcurrently) || o.partitionsConsumedConcurrently < 1) {
    throw new RangeError('partitionsConsumedConcurrently must be a positive integer');
  }
  if (!Number.isInteger(o.commitEvery) || o.commitEvery < 1) throw new RangeError('commitEvery must be a positive integer');
  return Object.freeze(o);
}
