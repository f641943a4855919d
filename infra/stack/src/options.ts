import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@tributary/config';

/** Where the repository lives: infra/stack/src → three levels up. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The Kafka version is pinned once, in infra/kafka/pom.xml, which also resolves its jars. */
function pinnedKafkaVersion(): string {
  const pom = fs.readFileSync(path.join(repoRoot, 'infra', 'kafka', 'pom.xml'), 'utf8');
  const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
  if (!version) throw new Error('infra/kafka/pom.xml has no <kafka.version> property');
  return version;
}

/**
 * Pinned versions and tunables of the local stack. Ports and URLs come from the service contract
 * variables of DESIGN.md (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, REDIS_URL); the rest from TRIBUTARY_*.
 */
export const stackDefaults = {
  /** Apache Kafka, resolved from Maven Central through infra/kafka/pom.xml. */
  kafkaVersion: pinnedKafkaVersion(),
  /** Apicurio Registry: its Confluent-compatible API is what services use. 3.x needs Java 21+. */
  registryVersion: '3.3.3',
  /** KRaft controller port (TRIBUTARY_KAFKA_CONTROLLER_PORT). */
  kafkaControllerPort: 9093,
  /** Downloaded jars, shared by every clone on this machine (TRIBUTARY_CACHE_DIR). */
  cacheDir: path.join(os.homedir(), '.cache', 'tributary'),
  /** Broker data, logs and pid files of this clone (TRIBUTARY_DATA_DIR). */
  dataDir: path.join(repoRoot, '.tributary'),
  /** Broker heap: enough for tests and benchmarks on a 2-core, 24 GiB machine. */
  kafkaHeap: '768m',
  /** Registry heap: it holds schemas only. */
  registryHeap: '384m',
  /** Deadlines: a start that takes longer is a failure with the log tail printed, never a hang. */
  kafkaStartTimeoutMs: 90_000,
  registryStartTimeoutMs: 180_000,
  redisStartTimeoutMs: 15_000,
  stopTimeoutMs: 60_000,
  downloadTimeoutMs: 15 * 60_000,
} as const;

export interface StackOptions {
  kafkaVersion: string;
  registryVersion: string;
  cacheDir: string;
  dataDir: string;
  kafka: { host: string; port: number; controllerPort: number; heap: string };
  registry: {
    host: string;
    port: number;
    /** Quarkus management interface (health, metrics) of the registry. */
    managementPort: number;
    url: string;
    heap: string;
    javaHome: string | undefined;
  };
  redis: { host: string; port: number; url: string };
  timeouts: {
    kafkaStartMs: number;
    registryStartMs: number;
    redisStartMs: number;
    stopMs: number;
    downloadMs: number;
  };
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new Error(`${name} must be a port number, got "${value}"`);
  return n;
}

/** Resolves the stack's options from the environment once; the caller's env is not modified. */
export function resolveStackOptions(env: Readonly<Record<string, string | undefined>> = process.env): StackOptions {
  const config = loadConfig(env);
  const [firstBroker] = config.kafka.brokers;
  if (config.kafka.brokers.length !== 1 || firstBroker === undefined) {
    throw new Error(`The local stack runs one broker; KAFKA_BROKERS lists ${config.kafka.brokers.length}`);
  }
  const [kafkaHost = '127.0.0.1', kafkaPort = '9092'] = firstBroker.split(':');
  const registryUrl = new URL(config.schemaRegistry.url);
  const registryPort = Number(registryUrl.port || (registryUrl.protocol === 'https:' ? 443 : 80));
  const redisUrl = new URL(config.redis.url);
  return {
    kafkaVersion: stackDefaults.kafkaVersion,
    registryVersion: stackDefaults.registryVersion,
    cacheDir: path.resolve(env.TRIBUTARY_CACHE_DIR || stackDefaults.cacheDir),
    dataDir: path.resolve(env.TRIBUTARY_DATA_DIR || stackDefaults.dataDir),
    kafka: {
      host: kafkaHost,
      port: Number(kafkaPort),
      controllerPort: positiveInt(
        'TRIBUTARY_KAFKA_CONTROLLER_PORT',
        env.TRIBUTARY_KAFKA_CONTROLLER_PORT,
        stackDefaults.kafkaControllerPort,
      ),
      heap: env.TRIBUTARY_KAFKA_HEAP || stackDefaults.kafkaHeap,
    },
    registry: {
      host: registryUrl.hostname,
      port: registryPort,
      managementPort: positiveInt('TRIBUTARY_REGISTRY_MANAGEMENT_PORT', env.TRIBUTARY_REGISTRY_MANAGEMENT_PORT, registryPort + 1),
      url: config.schemaRegistry.url,
      heap: env.TRIBUTARY_REGISTRY_HEAP || stackDefaults.registryHeap,
      javaHome: env.TRIBUTARY_REGISTRY_JAVA_HOME || undefined,
    },
    redis: { host: redisUrl.hostname, port: Number(redisUrl.port || 6379), url: config.redis.url },
    timeouts: {
      kafkaStartMs: stackDefaults.kafkaStartTimeoutMs,
      registryStartMs: stackDefaults.registryStartTimeoutMs,
      redisStartMs: stackDefaults.redisStartTimeoutMs,
      stopMs: stackDefaults.stopTimeoutMs,
      downloadMs: stackDefaults.downloadTimeoutMs,
    },
  };
}

/** Files and folders of one stack instance, all derived from the options. */
export function stackPaths(o: StackOptions) {
  const logs = path.join(o.dataDir, 'logs');
  const run = path.join(o.dataDir, 'run');
  return {
    logs,
    run,
    kafkaLibs: path.join(o.cacheDir, `kafka-${o.kafkaVersion}`, 'libs'),
    registryDist: path.join(o.cacheDir, `apicurio-registry-${o.registryVersion}`),
    kafkaData: path.join(o.dataDir, 'kafka', 'data'),
    kafkaProperties: path.join(o.dataDir, 'kafka', 'server.properties'),
    kafkaClusterId: path.join(o.dataDir, 'kafka', 'cluster-id'),
    kafkaLog: path.join(logs, 'kafka.log'),
    registryLog: path.join(logs, 'registry.log'),
    registryData: path.join(o.dataDir, 'registry'),
    redisLog: path.join(logs, 'redis.log'),
    redisData: path.join(o.dataDir, 'redis'),
    pidFile: (service: ServiceName) => path.join(run, `${service}.pid`),
  };
}
export type StackPaths = ReturnType<typeof stackPaths>;
export type ServiceName = 'kafka' | 'registry' | 'redis';
