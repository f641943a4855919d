import type { RetryPolicy } from '@tributary/broker';
import { StagingManagerError } from './errors.js';

/** How the staging manager stages, commits and replays. Every field has a default. */
export interface StagingManagerOptions {
  /**
   * Wait this long after the set of pipelines changed before restarting the `.raw` consumer with the
   * new topics (kafkajs cannot change a running subscription): a burst of creations costs one
   * rebalance, not one per pipeline. Default 500 ms.
   */
  readonly restartDebounceMs: number;
  /** A pipeline whose `.raw` topic does not exist yet is looked at again after this long. Default 2 s. */
  readonly missingTopicRetryMs: number;
  /**
   * Handled records per transaction (and per StagingBatchCompleted) at most. Default 5,000: each
   * transaction costs several broker round trips, and a fetch (1 MiB per partition) bounds it anyway.
   */
  readonly commitEvery: number;
  /** Consumer group session timeout. Default 30 s. */
  readonly sessionTimeoutMs: number;
  /** Handler retries before a record goes to `<topic>.dlq`. Default: the broker runtime's policy. */
  readonly retry: Partial<RetryPolicy>;
  /** Longest wait in close() for in-flight work. Default 30 s. */
  readonly shutdownTimeoutMs: number;
  /** The original record kept in a RecordRejected, in bytes (the contract says 64 KiB). Default 65,536. */
  readonly maxRejectedRecordBytes: number;
  /** How often a replay checks whether its consumer group has committed up to the slice end. Default 500 ms. */
  readonly replayPollMs: number;
  /** Wall clock (epoch ms) for rejectedAt, startedAt, completedAt. Default Date.now. */
  readonly clock: () => number;
}

export const stagingManagerDefaults: StagingManagerOptions = Object.freeze({
  restartDebounceMs: 500,
  missingTopicRetryMs: 2_000,
  commitEvery: 5000,
  sessionTimeoutMs: 30_000,
  retry: Object.freeze({}),
  shutdownTimeoutMs: 30_000,
  maxRejectedRecordBytes: 64 * 1024,
  replayPollMs: 500,
  clock: Date.now,
});

const POSITIVE_INTEGERS = [
  'restartDebounceMs',
  'missingTopicRetryMs',
  'commitEvery',
  'sessionTimeoutMs',
  'shutdownTimeoutMs',
  'maxRejectedRecordBytes',
  'replayPollMs',
] as const;

/** Defaults merged with `overrides` (which is not modified), checked once. */
export function resolveStagingManagerOptions(overrides: Partial<StagingManagerOptions> = {}): StagingManagerOptions {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Partial<StagingManagerOptions>;
  const o: StagingManagerOptions = { ...stagingManagerDefaults, ...defined };
  const problems = POSITIVE_INTEGERS.filter((k) => !Number.isInteger(o[k]) || o[k] < 1).map((k) => `${k} must be a positive integer`);
  if (typeof o.clock !== 'function') problems.push('clock must be a function');
  if (problems.length > 0) {
    throw new StagingManagerError('TRIB_STAGING_MANAGER_OPTIONS_INVALID', `Invalid staging manager options: ${problems.join('; ')}`);
  }
  return Object.freeze(o);
}
