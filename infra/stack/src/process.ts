import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { StackError } from './errors.js';
import { waitFor } from './wait.js';

/** Starts a long-running service detached from this process, output appended to `logFile`. */
export function startDetached(
  command: string,
  args: readonly string[],
  opts: { logFile: string; pidFile: string; cwd?: string; env?: NodeJS.ProcessEnv },
): number {
  const out = fs.openSync(opts.logFile, 'a');
  try {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: true,
      stdio: ['ignore', out, out],
    });
    if (child.pid === undefined) throw new StackError('TRIB_STACK_START_FAILED', `Could not start ${command}`);
    child.unref();
    fs.writeFileSync(opts.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    fs.closeSync(out);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid recorded for a service we started, if that process is still alive. */
export function livePid(pidFile: string): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(pidFile, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

/** SIGTERM, wait for a clean exit within the deadline, then SIGKILL. Removes the pid file. */
export async function stopProcess(pid: number, pidFile: string, timeoutMs: number, name: string): Promise<'stopped' | 'killed'> {
  let outcome: 'stopped' | 'killed' = 'stopped';
  try {
    process.kill(pid, 'SIGTERM');
    await waitFor(() => !isAlive(pid), { timeoutMs, intervalMs: 200, what: `${name} (pid ${pid}) to exit` });
  } catch (err) {
    if (!isAlive(pid)) {
      // It exited between the check and the signal.
    } else if (err instanceof StackError) {
      process.kill(pid, 'SIGKILL');
      outcome = 'killed';
      await waitFor(() => !isAlive(pid), { timeoutMs: 10_000, intervalMs: 100, what: `${name} (pid ${pid}) to die` });
    } else {
      throw err;
    }
  }
  fs.rmSync(pidFile, { force: true });
  return outcome;
}

/** The last lines of a log file, for error messages. */
export function tail(file: string, lines = 30): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines - 1).join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}
