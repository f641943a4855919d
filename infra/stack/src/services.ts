import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { repoRoot, type ServiceName, type StackOptions, type StackPaths } from './options.js';
import type { JavaRuntime } from './java.js';
import { runToCompletion } from './run.js';

/** How one service of the stack is started and recognised. */
export interface ServiceSpec {
  name: ServiceName;
  /** Where clients connect. */
  endpoint: string;
  host: string;
  /** Every port the service binds; each must be free (or already ours) before a start. */
  ports: number[];
  logFile: string;
  startTimeoutMs: number;
  /** True when the service really answers its protocol, not just when a port is open. */
  probe(): Promise<boolean>;
  /** The command that runs it in the foreground (the stack detaches it). */
  command(): { cmd: string; args: string[]; cwd?: string };
  /** Work before the first start (e.g. formatting Kafka storage). */
  prepare?(): Promise<void>;
}

export async function probeKafka(brokers: string[]): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'tributary-stack-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1500,
    requestTimeout: 3000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function probeRegistry(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(3000) });
    if (!res.ok) return false;
    return Array.isArray(await res.json());
  } catch {
    return false;
  }
}

/** Speaks RESP directly: an answer of +PONG (or an auth error) means a Redis is there. */
export function probeRedis(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      reply += d.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
    });
  });
}

function kafkaProperties(o: StackOptions, p: StackPaths): string {
  const { host, port, controllerPort } = o.kafka;
  return [
    '# Written by infra/stack on every start: edit infra/stack/src/services.ts, not this file.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${host}:${controllerPort}`,
    `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${host}:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${p.kafkaData}`,
    // One broker: internal topics cannot have more replicas than that.
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    // Tests create groups constantly; the 3 s default join delay would only slow them down.
    'group.initial.rebalance.delay.ms=0',
    // Topics are declared in the catalog and provisioned explicitly; a typo must not create one.
    'auto.create.topics.enable=false',
    'num.partitions=1',
    // Matches a 2-core machine; Kafka's defaults assume bigger hosts.
    'num.network.threads=2',
    'num.io.threads=4',
    '',
  ].join('\n');
}

export function kafkaService(o: StackOptions, p: StackPaths, java: () => JavaRuntime): ServiceSpec {
  const endpoint = `${o.kafka.host}:${o.kafka.port}`;
  const log4j = path.join(repoRoot, 'infra', 'kafka', 'log4j2.properties');
  const classpath = path.join(p.kafkaLibs, '*');
  return {
    name: 'kafka',
    endpoint,
    host: o.kafka.host,
    ports: [o.kafka.port, o.kafka.controllerPort],
    logFile: p.kafkaLog,
    startTimeoutMs: o.timeouts.kafkaStartMs,
    probe: () => probeKafka([endpoint]),
    async prepare() {
      fs.mkdirSync(p.kafkaData, { recursive: true });
      fs.writeFileSync(p.kafkaProperties, kafkaProperties(o, p));
      if (fs.existsSync(path.join(p.kafkaData, 'meta.properties'))) return;
      // A KRaft cluster id is 16 random bytes, base64url without padding; kept so a re-format of
      // the same data dir (after a partial first start) agrees with itself.
      let clusterId: string;
      try {
        clusterId = fs.readFileSync(p.kafkaClusterId, 'utf8').trim();
      } catch {
        clusterId = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url');
        fs.writeFileSync(p.kafkaClusterId, `${clusterId}\n`);
      }
      await runToCompletion(
        java().bin,
        [
          `-Dlog4j2.configurationFile=${path.join(repoRoot, 'infra', 'kafka', 'tools-log4j2.properties')}`,
          '-cp',
          classpath,
          'kafka.tools.StorageTool',
          'format',
          '-t',
          clusterId,
          '-c',
          p.kafkaProperties,
          '--ignore-formatted',
        ],
        { what: 'formatting Kafka storage', logFile: p.kafkaLog, timeoutMs: 60_000 },
      );
    },
    command: () => ({
      cmd: java().bin,
      args: [
        `-Xms256m`,
        `-Xmx${o.kafka.heap}`,
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${log4j}`,
        '-cp',
        classpath,
        'kafka.Kafka',
        p.kafkaProperties,
      ],
    }),
  };
}

export function registryService(o: StackOptions, p: StackPaths, java: () => JavaRuntime): ServiceSpec {
  const { host, port, url } = o.registry;
  return {
    name: 'registry',
    endpoint: url,
    host,
    ports: [port, o.registry.managementPort],
    logFile: p.registryLog,
    startTimeoutMs: o.timeouts.registryStartMs,
    probe: () => probeRegistry(url),
    prepare() {
      fs.mkdirSync(p.registryData, { recursive: true });
      return Promise.resolve();
    },
    command: () => ({
      cmd: java().bin,
      cwd: p.registryDist,
      args: [
        '-Xms64m',
        `-Xmx${o.registry.heap}`,
        // The registry is off the hot path (clients cache schema ids): favour start-up time and a
        // small footprint over peak throughput.
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        `-Dquarkus.http.host=${host}`,
        `-Dquarkus.http.port=${port}`,
        '-Dquarkus.http.access-log.enabled=false',
        // Its management interface (health, metrics) is enabled at build time; keep it off 0.0.0.0:9000.
        `-Dquarkus.management.host=${host}`,
        `-Dquarkus.management.port=${o.registry.managementPort}`,
        // Schemas live in a Kafka topic, like Confluent's registry: ids stay consistent with the
        // data in Kafka across restarts, and wiping Kafka wipes the registry with it.
        '-Dapicurio.storage.kind=kafkasql',
        `-Dapicurio.kafkasql.bootstrap.servers=${o.kafka.host}:${o.kafka.port}`,
        '-Dapicurio.kafkasql.topic=_tributary-registry-journal',
        '-Dapicurio.kafkasql.snapshots.topic=_tributary-registry-snapshots',
        '-Dapicurio.events.kafka.topic=_tributary-registry-events',
        `-Dapicurio.storage.snapshot.location=${p.registryData}`,
        '-jar',
        path.join(p.registryDist, 'quarkus-run.jar'),
      ],
    }),
  };
}

export function redisService(o: StackOptions, p: StackPaths): ServiceSpec {
  const { host, port, url } = o.redis;
  return {
    name: 'redis',
    endpoint: url,
    host,
    ports: [port],
    logFile: p.redisLog,
    startTimeoutMs: o.timeouts.redisStartMs,
    probe: () => probeRedis(host, port),
    prepare() {
      fs.mkdirSync(p.redisData, { recursive: true });
      return Promise.resolve();
    },
    // Redis holds only rebuildable caches (DESIGN.md): no persistence.
    command: () => ({
      cmd: 'redis-server',
      args: ['--bind', host, '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', p.redisData],
    }),
  };
}
