/**
 * Everything a command touches outside itself, passed in so tests run commands in-process with
 * captured output, a fake clock and an in-test HTTP server.
 */
export interface Writer {
  write(text: string): unknown;
}

export interface CliIo {
  readonly stdout: Writer;
  readonly stderr: Writer;
  /** The stream progress bars draw on; only used when `progressTty` is true. */
  readonly progressStream?: NodeJS.WritableStream;
  /** Draw a progress bar (stderr is a terminal) instead of plain progress lines. */
  readonly progressTty: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fetch: typeof fetch;
  /** Epoch milliseconds. */
  now(): number;
  /** Waits `ms`, or less when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Aborted on Ctrl-C (SIGINT/SIGTERM): long-running commands stop cleanly. */
  readonly signal: AbortSignal;
  /** Reads a file relative to the working directory. */
  readonly cwd: string;
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
