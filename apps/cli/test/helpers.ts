import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../src/io.js';
import { runCli } from '../src/program.js';

export interface CapturedIo extends CliIo {
  out(): string;
  err(): string;
  /** Every wait the command asked for, in ms. */
  readonly sleeps: number[];
  abort(): void;
}

/** I/O for one in-process run: captured output, real fetch, sleeps recorded and skipped. */
export function captureIo(overrides: Partial<CliIo> = {}): CapturedIo {
  let out = '';
  let err = '';
  const sleeps: number[] = [];
  const controller = new AbortController();
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    progressTty: false,
    env: {},
    fetch: globalThis.fetch,
    now: () => Date.now(),
    sleep: (ms: number) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    signal: controller.signal,
    cwd: process.cwd(),
    ...overrides,
    out: () => out,
    err: () => err,
    sleeps,
    abort: () => controller.abort(),
  };
}

/** Runs the CLI in-process and returns the exit code with what it printed. */
export async function cli(argv: string[], overrides: Partial<CliIo> = {}): Promise<{ code: number; out: string; err: string; io: CapturedIo }> {
  const io = captureIo(overrides);
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err(), io };
}

/** A fresh temporary directory holding `files`. */
export async function tempFiles(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-cli-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}
