/**
 * Runs Tributary's own services (the apps) as child processes of one supervisor: `npm start` and the
 * end-to-end tests use it. Each service gets its environment (topic prefix, ports, keys), logs to its
 * own file, and counts as started only once its `/readyz` answers 200.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../stack/src/options.js';
import { tail } from '../stack/src/process.js';

/** The services of the pipeline flow, in start order (the watcher first, consumers of commands before the edge). */
export const PLATFORM_SERVICES = ['monitoring-manager', 'pipeline-manager', 'staging-manager', 'processor', 'quality-manager', 'cpm'] as const;
export type PlatformServiceName = (typeof PLATFORM_SERVICES)[number];

/** The env name of each service's HTTP port, and its default. */
export const SERVICE_PORTS: Readonly<Record<PlatformServiceName, { env: string; port: number }>> = {
  'pipeline-manager': { env: 'PIPELINE_MANAGER_PORT', port: 8091 },
  'staging-manager': { env: 'STAGING_MANAGER_PORT', port: 8092 },
  processor: { env: 'PROCESSOR_PORT', port: 8093 },
  'quality-manager': { env: 'QUALITY_MANAGER_PORT', port: 8094 },
  'monitoring-manager': { env: 'MONITORING_MANAGER_PORT', port: 8095 },
  cpm: { env: 'CPM_PORT', port: 8080 },
};

export interface ServiceLaunch {
  readonly name: PlatformServiceName;
  readonly port: number;
  /** Environment on top of the supervisor's own. */
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
}

export interface RunningService {
  readonly name: PlatformServiceName;
  readonly port: number;
  readonly logFile: string;
  readonly pid: number;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
  /** SIGKILL at once: a crash, as the kill tests need. */
  kill(): Promise<void>;
}

/**
 * Node flags every service runs with. A young generation of 64 MB semi-spaces (node 20's default is
 * 16 MB): a consumer holds a fetched batch and its outputs until the transaction commits (up to
 * `commitEvery` records), so in the default size they outlive two scavenges, get promoted and are
 * collected by full GCs. Measured on `bench:pipeline` (300,000 records): staging manager and processor
 * CPU down from 26–27 s to 20 s each, throughput up 45%; memory costs up to ~190 MB more per service.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

/**
 * Starts one service: `node --import tsx apps/<name>/src/main.ts` in its own process group, so a
 * Ctrl-C in the terminal reaches only the supervisor, which then stops the services in order.
 */
export function launchService(launch: ServiceLaunch): RunningService {
  fs.mkdirSync(path.dirname(launch.logFile), { recursive: true });
  const out = fs.openSync(launch.logFile, 'a');
  let child: ChildProcess;
  try {
    // TRIBUTARY_SERVICE_NODE_ARGS: extra node flags for every service, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`
    // (flags NODE_OPTIONS refuses); they come after the defaults, so they override them.
    const nodeArgs = [...SERVICE_NODE_FLAGS, ...(process.env.TRIBUTARY_SERVICE_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)];
    child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join('apps', launch.name, 'src', 'main.ts')], {
      cwd: repoRoot,
      env: { ...process.env, ...launch.env },
      detached: true,
      stdio: ['ignore', out, out],
    });
  } finally {
    fs.closeSync(out);
  }
  if (child.pid === undefined) throw new Error(`Could not start ${launch.name}`);
  const pid = child.pid;
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  let done = false;
  void exited.then(() => (done = true));

  return {
    name: launch.name,
    port: launch.port,
    logFile: launch.logFile,
    pid,
    exited,
    async stop(timeoutMs = 35_000) {
      if (done) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (done) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Waits until the service's `/readyz` answers 200; fails early, with its log tail, if it exits. */
export async function waitUntilReady(service: RunningService, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitedWith: number | string | undefined;
  void service.exited.then((code) => (exitedWith = code));
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (exitedWith !== undefined) {
      throw new Error(`${service.name} exited (${exitedWith}) before it was ready; last log lines:\n${tail(service.logFile, 20)}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${service.port}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${service.name} was not ready within ${timeoutMs} ms (${last}); last log lines:\n${tail(service.logFile, 20)}`);
}
