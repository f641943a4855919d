import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { StackError } from './errors.js';
import { tail } from './process.js';

/** Runs a short-lived command to completion, output appended to a log, with a deadline. */
export function runToCompletion(
  cmd: string,
  args: string[],
  opts: { what: string; logFile: string; timeoutMs: number },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(opts.logFile, 'a');
    const child = spawn(cmd, args, { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new StackError('TRIB_STACK_START_FAILED', `Could not run ${cmd} for ${opts.what}`, undefined, { cause: err }));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new StackError('TRIB_STACK_START_FAILED', `${opts.what} failed (exit ${code})`, tail(opts.logFile)));
    });
  });
}
