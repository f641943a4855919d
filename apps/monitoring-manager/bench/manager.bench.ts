/**
 * `npm run bench:monitoring` (after the library figures of libs/monitoring-baselines/bench): metric
 * points per second through the monitoring manager itself — Kafka in, baselines in Redis out — against
 * the naive design measured in the same run on the same topic: a plain kafkajs consumer applying the
 * same math with one Redis command per point. Goal: the manager at least 10× the naive consumer.
 *
 * The data: BENCH_POINTS points over BENCH_SERIES series of 20 services (the library bench's
 * generator: counters, gauges, histograms, every series sampled once per 15 s round), written as
 * services write them (each service's samples of a round in MetricBatch records of at most 500,
 * keyed by service, Avro through the registry: with the defaults, 100 samples a record) onto the
 * metrics topic of a fresh topic prefix, in one Kafka transaction (see backlog.ts for why).
 *
 * 1. Tributary, live: the manager (the app's factory, wired as main.ts wires it, default alert rules)
 *    starts on the empty topic with a private, empty redis-server and joins its group; then the
 *    backlog is committed. Clock: from the commit (the backlog visible) until its
 *    `tributary_messages_consumed_total` counts every record handled AND the book has no dirty
 *    series and no flush in flight — i.e. every point's baseline written to Redis by the manager
 *    itself (it writes when it has caught up with a partition, and every tick while behind; the
 *    app's default 5 s tick). Lag measurement is off (manager-run.ts).
 * 2. Baseline: a plain kafkajs consumer (naive-consumer.ts) on the same topic, from the beginning.
 *    Clock: from its group join (the backlog already there) until the last point's HSET is answered.
 *    Both clocks start with a joined member and the whole backlog readable, so neither pays for
 *    joining a group or for producing.
 * 3. Check: the two left identical baselines in Redis (every series' state compared), else exit 1.
 * 4. Tributary, restart with Redis empty (information, no goal): the manager's keys deleted, the same
 *    instance started again; it rebuilds every baseline by replaying the topic before it consumes
 *    (its start-up path). Clock: from start() until the rebuilt baselines are in Redis (written as
 *    soon as the replay is done), group join included. Checked against the naive consumer's baselines again.
 *
 * Both sides run in this process, started with the services' node flags (the npm script passes
 * --max-semi-space-size=64, as infra/platform does for every service), so heap settings favour neither.
 *
 * One round each (every round needs a fresh topic, group and Redis): expect noise on a busy machine.
 * Exits 1 when the baselines differ or the benchmark fails; a missed goal prints MISSED, exit code 0.
 *
 * Settings (environment): BENCH_POINTS (200,000), BENCH_SERIES (2,000);
 * KAFKA_BROKERS and SCHEMA_REGISTRY_URL as for every service. Needs redis-server on the PATH.
 */
import os from 'node:os';
import { applyTopics, createKafka } from '@tributary/broker';
import { loadConfig } from '@tributary/config';
import { BaselineStore } from '@tributary/monitoring-baselines';
import { createLogger } from '@tributary/observability';
import { controlTopicCatalog, createEventCodec, createSchemaRegistryClient, dlqTopicFor, type MetricSnapshot, untypedCodec } from '@tributary/schemas';
import { PrivateRedis, uniqueName, waitFor } from '@tributary/testing';
import { Redis } from 'ioredis';
import { fixed, int, section, summary, table } from '../../../libs/broker/bench/report.js';
import { generatePoints } from '../../../libs/monitoring-baselines/bench/data.js';
import { positive } from '../../../libs/monitoring-baselines/bench/settings.js';
import { compareStored } from '../../../libs/monitoring-baselines/bench/stored.js';
import { monitoringTopics } from '../src/names.js';
import { publishBacklogAtOnce } from './backlog.js';
import { type ManagerUnderTest, startManager } from './manager-run.js';
import { naiveConsumerRun } from './naive-consumer.js';

const GOAL = 10;
const POINTS = positive('BENCH_POINTS', 200_000);
const SERIES = positive('BENCH_SERIES', 2_000);
/** Longest any one phase may take before the run is called failed. */
const PHASE_TIMEOUT_MS = 240_000;

const config = loadConfig();
const logLines: string[] = [];
const logger = createLogger({ service: 'monitoring-manager', level: 'info', destination: { write: (l: string) => void logLines.push(l) } });
const kafka = createKafka({ brokers: config.kafka.brokers, clientId: 'bench-monitoring' });
const admin = kafka.admin();
const registry = createSchemaRegistryClient({ url: config.schemaRegistry.url, clientId: 'bench-monitoring' });
const codec = untypedCodec(createEventCodec({ registry }));
const prefix = uniqueName('bench-mon');
const topics = monitoringTopics(prefix);
const managerStore = `${prefix}:monitoring`;
const naiveStore = `${prefix}:naive`;
const created: string[] = [];
const managers: ManagerUnderTest[] = [];
let server: PrivateRedis | undefined;
let checker: Redis | undefined;

const seconds = (from: number, to: number) => (to - from) / 1000;
/** Series the generator fills: every series gets a point once there are at least as many points. */
const EXPECTED_SERIES = Math.min(SERIES, POINTS);

async function main(): Promise<number> {
  console.log('Tributary monitoring manager benchmark (through Kafka)');
  console.log(
    `${new Date().toISOString()} · node ${process.version} · ${os.cpus().length} CPUs · load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} · node flags ${process.execArgv.filter((a) => a.startsWith('--max-')).join(' ') || 'none'} · Kafka ${config.kafka.brokers.join(',')} · topic prefix ${prefix}`,
  );
  await admin.connect();
  const catalog = controlTopicCatalog({ prefix });
  const specs = [catalog.monitoringMetrics, catalog.monitoringAlerts, catalog.events.monitoring, catalog.commands.monitoring].flatMap((t) => [t, dlqTopicFor(t)]);
  await applyTopics({ admin, catalog: specs });
  created.push(...specs.map((s) => s.name));
  server = await PrivateRedis.start();
  checker = new Redis(server.url, { maxRetriesPerRequest: 1 });
  const points = generatePoints(POINTS, SERIES) as MetricSnapshot[];
  const partitions = catalog.monitoringMetrics.partitions;
  console.log(
    `${int(POINTS)} points over ${int(SERIES)} series of 20 services, ${partitions} partitions · private redis-server ${server.url}`,
  );

  section('Tributary: the monitoring manager consuming a backlog (live path)');
  const instanceId = uniqueName('bench-mm');
  const live = await startManager({ redisUrl: server.url, topicPrefix: prefix, instanceId, logger });
  managers.push(live);
  const producing = performance.now();
  const records = await publishBacklogAtOnce(kafka, codec, topics.metrics, points);
  const visibleAt = performance.now();
  console.log(`backlog of ${int(records)} MetricBatch records (${fixed(POINTS / records, 1)} points each) produced in one transaction in ${fixed(seconds(producing, visibleAt))} s (not measured); manager joined and idle`);
  await waitFor(async () => (await live.consumedBatches()) >= records, { what: `the manager to handle ${records} records`, timeoutMs: PHASE_TIMEOUT_MS, intervalMs: 10 });
  const handledAt = performance.now();
  await live.flushed(PHASE_TIMEOUT_MS);
  const liveDoneAt = performance.now();
  const liveSeconds = seconds(visibleAt, liveDoneAt);
  console.log(
    `${fixed(liveSeconds)} s: every record handled after ${fixed(seconds(visibleAt, handledAt))} s, the last baselines in Redis ${fixed(seconds(handledAt, liveDoneAt))} s later (${int(POINTS / liveSeconds)} points/s)`,
  );
  await live.close();
  managers.splice(managers.indexOf(live), 1);

  section('Baseline: plain kafkajs consumer, one Redis command per point');
  const naive = await naiveConsumerRun({ kafka, codec, redis: checker, topic: topics.metrics, storePrefix: naiveStore, expected: POINTS, timeoutMs: PHASE_TIMEOUT_MS });
  console.log(`${fixed(naive.seconds)} s (${int(POINTS / naive.seconds)} points/s)`);

  const liveCheck = await compareStored(checker, managerStore, naiveStore);
  if (liveCheck.differing > 0 || liveCheck.series !== EXPECTED_SERIES) {
    console.error(`\nFAILED: the manager and the naive consumer left different baselines (${liveCheck.differing} of ${liveCheck.series} series differ; ${EXPECTED_SERIES} expected)`);
    return 1;
  }
  console.log(`check: both left identical baselines in Redis for all ${int(liveCheck.series)} series`);

  section('Tributary: the same manager restarted with Redis empty (rebuild by replay)');
  await new BaselineStore({ redis: checker, prefix: managerStore }).clear();
  const restarting = performance.now();
  const rebuilt = await startManager({ redisUrl: server.url, topicPrefix: prefix, instanceId, logger });
  managers.push(rebuilt);
  const startedAt = performance.now();
  await rebuilt.flushed(PHASE_TIMEOUT_MS);
  const rebuildSeconds = seconds(restarting, performance.now());
  console.log(`${fixed(rebuildSeconds)} s: started (replay done, groups joined) after ${fixed(seconds(restarting, startedAt))} s (${int(POINTS / rebuildSeconds)} points/s)`);
  const rebuildCheck = await compareStored(checker, managerStore, naiveStore);
  if (rebuildCheck.differing > 0 || rebuildCheck.series !== EXPECTED_SERIES) {
    console.error(`\nFAILED: the rebuilt baselines differ from the naive consumer's (${rebuildCheck.differing} of ${rebuildCheck.series} series differ)`);
    return 1;
  }
  console.log(`check: the rebuilt baselines are identical to the naive consumer's for all ${int(rebuildCheck.series)} series`);

  const rate = { live: POINTS / liveSeconds, naive: POINTS / naive.seconds, rebuild: POINTS / rebuildSeconds };
  section('Results');
  console.log(
    table(
      ['variant', 'seconds', 'points/s'],
      [
        ['manager, live consumer, pipelined writes when caught up', fixed(liveSeconds), int(rate.live)],
        ['plain kafkajs consumer, one HSET round trip per point', fixed(naive.seconds), int(rate.naive)],
        ['manager restarted with Redis empty (replay, write, join)', fixed(rebuildSeconds), int(rate.rebuild)],
      ],
    ),
  );
  const ratio = rate.live / rate.naive;
  section('Summary');
  console.log(
    summary([
      { measure: 'monitoring manager, points/s into Redis baselines', tributary: int(rate.live), baseline: `${int(rate.naive)} one cmd/point`, ratio: `${fixed(ratio, 1)}×`, goal: `≥ ${GOAL}×`, met: ratio >= GOAL },
      { measure: 'restart with Redis empty, points/s rebuilt', tributary: int(rate.rebuild), baseline: `${int(rate.naive)} one cmd/point`, ratio: `${fixed(rate.rebuild / rate.naive, 1)}×`, goal: '-', met: undefined },
    ]),
  );
  console.log(ratio >= GOAL ? '\nGoal met.' : '\nMISSED: the monitoring manager is less than 10× the one-command-per-point consumer');
  return 0;
}

async function cleanUp(): Promise<void> {
  for (const m of managers.splice(0)) await m.close().catch(() => undefined);
  checker?.disconnect();
  await server?.stop();
  // Only the topics this run created: the backlog is tens of MB nobody needs afterwards.
  if (created.length > 0) await admin.deleteTopics({ topics: created, timeout: 30_000 }).catch((err: unknown) => console.error('could not delete the bench topics:', err));
  await codec.close();
  await registry.close();
  await admin.disconnect();
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (err) {
  console.error('\nFAILED:', err);
  console.error(logLines.slice(-30).join(''));
} finally {
  await cleanUp();
}
process.exit(exitCode);
