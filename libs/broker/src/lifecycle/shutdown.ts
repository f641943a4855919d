import type { BrokerLogger } from '../logger.js';

export interface Closeable {
  close(): Promise<void>;
}

export interface ShutdownOptions {
  /** Resources in the order they were created; closed in reverse. */
  resources: readonly Closeable[];
  /** The whole shutdown's deadline. Default 30 s. */
  deadlineMs?: number;
  logger?: BrokerLogger;
  /** Ends the process; injectable for tests. Default `process.exit`. */
  exit?: (code: number) => void;
  signals?: readonly NodeJS.Signals[];
}

/**
 * Graceful shutdown for a service: the first SIGTERM/SIGINT closes every resource in reverse order
 * of creation (consumers stop fetching, finish in-flight work and commit; producers flush) and exits
 * 0, or 1 when the deadline passes first; a second signal exits at once with 130.
 * Returns a function that runs the same shutdown programmatically.
 */
export function installGracefulShutdown(opts: ShutdownOptions): () => Promise<void> {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const deadlineMs = opts.deadlineMs ?? 30_000;
  const signals = opts.signals ?? ['SIGTERM', 'SIGINT'];
  let shuttingDown: Promise<void> | undefined;

  const shutdown = () =>
    (shuttingDown ??= (async () => {
      const timer = setTimeout(() => {
        opts.logger?.error({ deadlineMs }, 'shutdown deadline passed; exiting');
        exit(1);
      }, deadlineMs);
      timer.unref();
      for (const resource of [...opts.resources].reverse()) {
        try {
          await resource.close();
        } catch (err) {
          opts.logger?.warn({ err }, 'error while closing a resource');
        }
      }
      clearTimeout(timer);
    })());

  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      opts.logger?.warn({ signal }, 'second signal: exiting now');
      exit(130);
      return;
    }
    opts.logger?.info({ signal }, 'shutting down');
    void shutdown().then(() => exit(0));
  };
  for (const s of signals) process.on(s, onSignal);
  return shutdown;
}
