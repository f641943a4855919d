import net from 'node:net';
import { StackError } from './errors.js';

/**
 * Polls `condition` until it returns true or the deadline passes. `check` runs before each poll and
 * may throw to give up early (e.g. when the process being waited on has died).
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  opts: { timeoutMs: number; intervalMs?: number; what: string; check?: () => void },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    opts.check?.();
    if (await condition()) return;
    if (Date.now() >= deadline) {
      throw new StackError('TRIB_STACK_START_TIMEOUT', `Timed out after ${Math.round(opts.timeoutMs / 1000)} s waiting for ${opts.what}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
  }
}

/** True when something accepts TCP connections on host:port. */
export function isPortOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
