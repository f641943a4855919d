import fs from 'node:fs';
import path from 'node:path';
import { StackError } from './errors.js';
import { fetchStack } from './fetch.js';
import { findJavas, type JavaRuntime, selectJava } from './java.js';
import { type StackOptions, stackPaths } from './options.js';
import { describePortOwner } from './ports.js';
import { isAlive, livePid, startDetached, stopProcess, tail } from './process.js';
import { kafkaService, redisService, registryService, type ServiceSpec } from './services.js';
import { isPortOpen, waitFor } from './wait.js';

/** Kafka 4 brokers need Java 17; Apicurio Registry 3.x needs Java 21. */
const KAFKA_MIN_JAVA = 17;
const REGISTRY_MIN_JAVA = 21;

export type ServiceState =
  /** Started by this stack and answering. */
  | 'running'
  /** Answering, but not started by this stack (e.g. the machine's own Redis): used, never stopped. */
  | 'external'
  | 'stopped'
  /** Our process is alive but does not answer yet (starting, or hung). */
  | 'unresponsive';

export interface ServiceStatus {
  name: string;
  state: ServiceState;
  endpoint: string;
  pid?: number;
  log: string;
}

export interface Stack {
  up(): Promise<ServiceStatus[]>;
  down(): Promise<ServiceStatus[]>;
  status(): Promise<ServiceStatus[]>;
  fetch(): Promise<void>;
}

/** The local Kafka + schema registry + Redis, started in dependency order, stopped in reverse. */
export function createStack(options: StackOptions, log: (line: string) => void = () => undefined): Stack {
  const paths = stackPaths(options);
  let javas: JavaRuntime[] | undefined;
  // One search for both services, including the registry's explicit JDK, whichever asks first.
  const java = (service: string, min: number, home?: string) => () => {
    javas ??= findJavas(options.registry.javaHome);
    return selectJava(service, min, javas, home);
  };
  const kafkaJava = java('Apache Kafka', KAFKA_MIN_JAVA);
  const registryJava = java('Apicurio Registry', REGISTRY_MIN_JAVA, options.registry.javaHome);
  const services: ServiceSpec[] = [
    redisService(options, paths),
    kafkaService(options, paths, kafkaJava),
    registryService(options, paths, registryJava),
  ];

  async function statusOf(s: ServiceSpec): Promise<ServiceStatus> {
    const pid = livePid(paths.pidFile(s.name));
    const answers = await s.probe();
    const state: ServiceState = answers ? (pid ? 'running' : 'external') : pid ? 'unresponsive' : 'stopped';
    // A service we did not start logs wherever its owner decided.
    const log = state === 'external' ? '-' : s.logFile;
    return { name: s.name, state, endpoint: s.endpoint, ...(pid ? { pid } : {}), log };
  }

  async function start(s: ServiceSpec): Promise<ServiceStatus> {
    const current = await statusOf(s);
    if (current.state === 'running' || current.state === 'external') return current;
    if (current.state === 'stopped') {
      for (const port of s.ports) {
        if (await isPortOpen(s.host, port)) {
          const owner = describePortOwner(port);
          throw new StackError(
            'TRIB_STACK_PORT_TAKEN',
            `Cannot start ${s.name}: ${s.host}:${port} is taken by ${owner ?? 'another process'} that does not answer as ${s.name}. ` +
              `Stop it, or move ${s.name} with the variables in docs/stack.md.`,
          );
        }
      }
      await s.prepare?.();
      const { cmd, args, cwd } = s.command();
      log(`Starting ${s.name}…`);
      startDetached(cmd, args, { logFile: s.logFile, pidFile: paths.pidFile(s.name), ...(cwd ? { cwd } : {}) });
    } else {
      log(`${s.name} is starting (pid ${current.pid}); waiting for it to answer…`);
    }
    const pidFile = paths.pidFile(s.name);
    const began = Date.now();
    try {
      await waitFor(() => s.probe(), {
        timeoutMs: s.startTimeoutMs,
        intervalMs: 500,
        what: `${s.name} to answer at ${s.endpoint}`,
        check: () => {
          if (!livePid(pidFile)) {
            throw new StackError('TRIB_STACK_START_FAILED', `${s.name} exited while starting. Last lines of ${s.logFile}:`, tail(s.logFile));
          }
        },
      });
    } catch (err) {
      if (err instanceof StackError && err.code === 'TRIB_STACK_START_TIMEOUT') {
        const pid = livePid(pidFile);
        if (pid) await stopProcess(pid, pidFile, 10_000, s.name);
        throw new StackError('TRIB_STACK_START_TIMEOUT', `${err.message}; stopped it. Last lines of ${s.logFile}:`, tail(s.logFile));
      }
      throw err;
    }
    log(`${s.name} answers at ${s.endpoint} (${((Date.now() - began) / 1000).toFixed(1)} s)`);
    return statusOf(s);
  }

  return {
    async fetch() {
      await fetchStack(options, log);
    },

    async up() {
      fs.mkdirSync(paths.logs, { recursive: true });
      fs.mkdirSync(paths.run, { recursive: true });
      // Java is checked before any download, so a missing runtime is reported at once.
      const before = await Promise.all(services.map(statusOf));
      const down = new Set(before.filter((b) => b.state === 'stopped').map((b) => b.name));
      if (down.has('kafka')) kafkaJava();
      if (down.has('registry')) registryJava();
      if (down.has('kafka') || down.has('registry')) await fetchStack(options, log);
      const result: ServiceStatus[] = [];
      for (const s of services) result.push(await start(s));
      return result;
    },

    async down() {
      // Reverse order: the registry keeps its schemas in Kafka, so it goes first.
      for (const s of [...services].reverse()) {
        const pidFile = paths.pidFile(s.name);
        const pid = livePid(pidFile);
        if (!pid) continue;
        log(`Stopping ${s.name} (pid ${pid})…`);
        const how = await stopProcess(pid, pidFile, options.timeouts.stopMs, s.name);
        if (how === 'killed') log(`${s.name} did not stop within ${options.timeouts.stopMs / 1000} s and was killed`);
        if (isAlive(pid)) throw new StackError('TRIB_STACK_STOP_FAILED', `${s.name} (pid ${pid}) would not stop`);
      }
      return Promise.all(services.map(statusOf));
    },

    status() {
      return Promise.all(services.map(statusOf));
    },
  };
}

/** A printable table of service states, with where each listens and logs. */
export function formatStatus(statuses: ServiceStatus[], cwd = process.cwd()): string {
  return statuses
    .map((s) => {
      const pid = s.pid ? `pid ${s.pid}` : s.state === 'external' ? 'not ours' : '';
      const logRel = s.log === '-' ? '-' : path.relative(cwd, s.log);
      return `  ${s.name.padEnd(9)} ${s.state.padEnd(12)} ${s.endpoint.padEnd(42)} ${pid.padEnd(10)} log ${logRel}`;
    })
    .join('\n');
}
