/**
 * The whole pipeline flow as running processes: pipeline manager, staging manager, processor and CPM,
 * on the local stack, sharing one topic prefix whose control topics it applies first. `npm start` runs one with the defaults; the
 * end-to-end tests run one per suite on their own prefix and ports.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { repoRoot, resolveStackOptions, stackPaths } from '../stack/src/options.js';
import { applyCatalog } from '../topics/apply.js';
import {
  launchService,
  PLATFORM_SERVICES,
  type PlatformServiceName,
  type RunningService,
  SERVICE_PORTS,
  waitUntilReady,
} from './services.js';

export interface ApiKeys {
  readonly admin: string;
  readonly operator: string;
  readonly viewer: string;
}

export interface PlatformOptions {
  /** Topic prefix of every service. Default `tributary`. */
  readonly topicPrefix?: string;
  /** HTTP ports by service. Default {@link SERVICE_PORTS}. */
  readonly ports?: Partial<Record<PlatformServiceName, number>>;
  /** API keys by role. Default: new random keys. */
  readonly apiKeys?: ApiKeys;
  /** Where each service logs (`<dir>/<service>.log`). Default `.tributary/logs`. */
  readonly logDir?: string;
  /** Extra environment for every service (and per service). */
  readonly env?: Readonly<Record<string, string>>;
  readonly serviceEnv?: Partial<Record<PlatformServiceName, Readonly<Record<string, string>>>>;
  /** Readiness deadline per service. Default 90 s. */
  readonly readyTimeoutMs?: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
  /** The services to run, started in {@link PLATFORM_SERVICES} order. Default all of them. */
  readonly services?: readonly PlatformServiceName[];
}

export interface Platform {
  readonly cpmUrl: string;
  readonly apiKeys: ApiKeys;
  readonly topicPrefix: string;
  service(name: PlatformServiceName): RunningService;
  /** SIGKILLs a service (a crash). */
  kill(name: PlatformServiceName): Promise<void>;
  /** Starts a stopped or killed service again, with the same identity, and waits until it is ready. */
  restart(name: PlatformServiceName): Promise<void>;
  /** Stops every service, the edge first. */
  close(): Promise<void>;
}

/** A random API key (32 hex characters; the CPM wants at least 16). */
export function newApiKey(): string {
  return randomBytes(16).toString('hex');
}

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const topicPrefix = options.topicPrefix ?? 'tributary';
  const apiKeys = options.apiKeys ?? { admin: newApiKey(), operator: newApiKey(), viewer: newApiKey() };
  const logDir = options.logDir ?? path.join(repoRoot, '.tributary', 'logs');
  const log = options.log ?? (() => undefined);
  const portOf = (name: PlatformServiceName) => options.ports?.[name] ?? SERVICE_PORTS[name].port;
  const processorToken = newApiKey();
  const sharedEnv: Record<string, string> = {
    TRIBUTARY_TOPIC_PREFIX: topicPrefix,
    TRIBUTARY_API_KEYS: `${apiKeys.admin}:admin,${apiKeys.operator}:operator,${apiKeys.viewer}:viewer`,
    PROCESSOR_TOKEN: processorToken,
    PROCESSOR_PUBLIC_URL: `http://127.0.0.1:${portOf('processor')}`,
    // Stable instance ids: a restarted service fences its killed predecessor's transactions.
    STAGING_MANAGER_INSTANCE_ID: `${topicPrefix}-staging-0`,
    PROCESSOR_ID: `${topicPrefix}-processor-0`,
    QUALITY_MANAGER_INSTANCE_ID: `${topicPrefix}-quality-0`,
    MONITORING_MANAGER_INSTANCE_ID: `${topicPrefix}-monitoring-0`,
    // The broker runs on this host (the local stack): the monitoring manager measures its data directory's disk.
    MONITORING_KAFKA_DATA_DIR: stackPaths(resolveStackOptions()).kafkaData,
    ...Object.fromEntries(PLATFORM_SERVICES.map((s) => [SERVICE_PORTS[s].env, String(portOf(s))])),
    ...options.env,
  };
  const services = PLATFORM_SERVICES.filter((name) => options.services?.includes(name) ?? true);
  const launches = new Map(
    services.map((name) => [
      name,
      { name, port: portOf(name), env: { ...sharedEnv, ...options.serviceEnv?.[name] }, logFile: path.join(logDir, `${name}.log`) },
    ]),
  );
  const running = new Map<PlatformServiceName, RunningService>();

  const start = async (name: PlatformServiceName) => {
    const service = launchService(launches.get(name)!);
    running.set(name, service);
    await waitUntilReady(service, options.readyTimeoutMs);
    log(`${name} ready on :${service.port} (pid ${service.pid}, log ${path.relative(process.cwd(), service.logFile)})`);
  };
  const close = async () => {
    for (const name of [...services].reverse()) await running.get(name)?.stop();
  };

  // The managers expect their control topics; a drifted topic is reported and left as it is.
  const report: string[] = [];
  const applied = await applyCatalog({ prefix: topicPrefix, print: (text) => report.push(text) });
  if (applied === 1) throw new Error(`the control topics of prefix ${topicPrefix} could not be applied:\n${report.join('\n')}`);
  if (applied === 2) log(report.join('\n'));

  try {
    for (const name of services) await start(name);
  } catch (err) {
    await close();
    throw err;
  }

  return {
    cpmUrl: `http://127.0.0.1:${portOf('cpm')}`,
    apiKeys,
    topicPrefix,
    service: (name) => running.get(name)!,
    kill: async (name) => running.get(name)?.kill(),
    restart: async (name) => {
      await running.get(name)?.stop();
      await start(name);
    },
    close,
  };
}
