import { BrokerError } from './errors.js';

export interface WaitForOptions {
  /** Give up after this long (ms). */
  readonly timeoutMs: number;
  /** Pause between polls (ms). Default 200. */
  readonly intervalMs?: number;
  /** What is awaited, for the timeout message. */
  readonly what: string;
}

/**
 * Polls `condition` until it holds; throws TRIB_BROKER_TIMEOUT when it still does not at the
 * deadline. Cluster changes (new topics, partitions, configs) become visible to metadata requests a
 * little after the call that made them returns: poll for them, never sleep a guessed time.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, options: WaitForOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() >= deadline) {
      throw new BrokerError('TRIB_BROKER_TIMEOUT', `Timed out after ${options.timeoutMs} ms waiting for ${options.what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
  }
}
