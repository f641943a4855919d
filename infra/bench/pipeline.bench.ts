/**
 * `npm run bench:pipeline`: records through raw → staged → processed (staging manager and processor
 * as their own processes, one map and one filter stage) vs a plain kafkajs single-hop passthrough of
 * the same records on the same broker, in the same run. Clock: first produce to last record read
 * from the last topic. Also p50/p99 record latency (produce → read). Goal: ≥ 0.5× the passthrough.
 *
 * "Plain kafkajs" is kafkajs 2.2.4 as published (the `kafkajs-stock` npm alias): the services run
 * kafkajs with Tributary's patch (docs/broker.md, "kafkajs, patched"), which makes kafkajs itself
 * faster, so the passthrough is also measured on the patched kafkajs and printed beside it. On every
 * side the records are produced and read back by the same client (the patched one, the cheapest:
 * the harness takes the least CPU from what is measured).
 *
 * `npm run bench:pipeline -- --quality` adds the quality manager and ten mixed quality rules, and
 * measures to `.validated` instead (goal ≥ 0.4×). Without it the quality manager does not run, so it
 * takes no CPU from the stages measured.
 *
 * `npm run bench:pipeline -- --metrics-cost` measures what metric snapshots cost instead: the same
 * pipeline with every service publishing its metrics and a heartbeat every second (15× the default
 * rate) vs with reporting off (TRIBUTARY_METRICS_INTERVAL_MS=0), alternating off/on twice. Goal: on at
 * most 5% slower than off.
 *
 * BENCH_RECORDS (default 1,000,000). Both sides use 6 partitions, the default of a pipeline's data topics.
 * The bench process (the passthrough hop, and the producer and reader of both sides) runs with the
 * services' node flags (SERVICE_NODE_FLAGS, set in the npm script), so heap settings favour neither side.
 */
import os from 'node:os';
import { createKafka } from '@tributary/broker';
import { loadConfig } from '@tributary/config';
import { uniqueName } from '@tributary/testing';
import type { Kafka, Message } from 'kafkajs';
import { Kafka as StockKafka, logLevel as stockLogLevel } from 'kafkajs-stock';
import { fixed, int, section, summary, table } from '../../libs/broker/bench/report.js';
import { cpmClient, waitForPipeline } from '../platform/demo.js';
import { startPlatform } from '../platform/platform.js';
import { SERVICE_NODE_FLAGS } from '../platform/services.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const PARTITIONS = 6;
const BATCH = 2_000;
const WITH_QUALITY = process.argv.includes('--quality');
const METRICS_COST = process.argv.includes('--metrics-cost');
const GOAL = WITH_QUALITY ? 0.4 : 0.5;

const DEFINITION = `
id: bench
name: Pipeline benchmark
input:
  schema:
    - { name: id, type: string }
    - { name: device, type: string }
    - { name: value, type: double }
    - { name: sentAt, type: long }
    - { name: note, type: string }
key: [id]
stages:
  - id: doubled
    type: map
    fields:
      doubled: { expr: "value * 2.0", type: double }
  - id: non-negative
    type: filter
    where: value >= 0.0
sinks:
  - { type: kafka, topic: processed }
`;

/** Ten mixed rules the bench records pass (so every record reaches `.validated`). */
const QUALITY = `
quality:
  lookups:
    notes: [reading within calibrated range]
  rules:
    - { id: id-present, type: not_null, field: id }
    - { id: id-shape, type: regex, field: id, pattern: "^r-[0-9]{8}$" }
    - { id: device-length, type: length, field: device, min: 3, max: 32 }
    - { id: value-range, type: in_range, field: value, min: 0, max: 100000 }
    - { id: doubled-range, type: in_range, field: doubled, min: 0, max: 200000 }
    - { id: note-known, type: reference, field: note, lookup: notes }
    - { id: doubled-consistent, type: expression, expr: "doubled == value * 2.0" }
    - { id: value-le-doubled, type: compare, left: value, op: "<=", right: doubled }
    - { id: sent-positive, type: in_range, field: sentAt, min: 1 }
    - { id: device-known, type: in_set, field: device, values: [${Array.from({ length: 500 }, (_, i) => `sensor-${String(i).padStart(3, '0')}`).join(', ')}] }
`;

/** About 150 bytes of JSON, as a sensor would send it. */
function record(seq: number, sentAt: number): string {
  return JSON.stringify({
    id: `r-${String(seq).padStart(8, '0')}`,
    device: `sensor-${String(seq % 500).padStart(3, '0')}`,
    value: (seq % 10_000) / 7,
    sentAt,
    note: 'reading within calibrated range',
  });
}

interface Result {
  seconds: number;
  latencies: Float64Array;
}

/** Produces the records to `into` in batches (timestamp = send time), reads `readFrom` until all arrived. */
async function drive(kafka: Kafka, into: string, readFrom: string, headers: boolean, failed?: Promise<never>): Promise<Result> {
  const sentAt = new Float64Array(RECORDS);
  const latencies = new Float64Array(RECORDS);
  let received = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  const reader = kafka.consumer({ groupId: uniqueName('bench-pl-reader'), readUncommitted: false, maxBytesPerPartition: 4 * 1024 * 1024 });
  await reader.connect();
  await reader.subscribe({ topic: readFrom, fromBeginning: true });
  await reader.run({
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      for (const m of batch.messages) {
        // Record ids are r-<seq>: the key says which record arrived, without decoding the value.
        const seq = Number(m.key!.toString().slice(2));
        if (received < RECORDS) latencies[received] = now - sentAt[seq]!;
        if (++received === RECORDS) done();
      }
      await Promise.resolve();
    },
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const startedAt = performance.now();
  for (let from = 0; from < RECORDS; from += BATCH) {
    const messages: Message[] = [];
    const now = Date.now();
    for (let seq = from; seq < Math.min(RECORDS, from + BATCH); seq++) {
      sentAt[seq] = now;
      const id = `r-${String(seq).padStart(8, '0')}`;
      messages.push({
        key: id,
        value: record(seq, now),
        timestamp: String(now),
        headers: headers ? { 'event-type': 'tributary.data.RawRecord', 'record-id': id, 'content-type': 'application/json' } : {},
      });
    }
    await producer.send({ topic: into, acks: -1, messages });
  }
  await producer.disconnect();
  await (failed ? Promise.race([all, failed]) : all);
  const seconds = (performance.now() - startedAt) / 1000;
  await reader.disconnect();
  return { seconds, latencies };
}

/**
 * Plain kafkajs, one hop: consume `from`, produce each batch to `to` as is, commit. `kafka` runs the
 * hop; `harness` produces the records and reads them back, as for Tributary.
 */
async function passthrough(kafka: Kafka, harness: Kafka): Promise<Result> {
  const admin = kafka.admin();
  await admin.connect();
  const from = uniqueName('bench-pl-pass-in');
  const to = uniqueName('bench-pl-pass-out');
  await admin.createTopics({ topics: [from, to].map((topic) => ({ topic, numPartitions: PARTITIONS })), waitForLeaders: true });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const hop = kafka.consumer({ groupId: uniqueName('bench-pl-pass') });
  await hop.connect();
  await hop.subscribe({ topic: from, fromBeginning: true });
  // A hop that crashes for good fails the run with its error, instead of leaving it waiting forever.
  const failed = new Promise<never>((_, reject) => {
    hop.on(hop.events.CRASH, ({ payload }) => {
      if (!payload.restart) reject(new Error(`the passthrough hop crashed: ${payload.error.message}`, { cause: payload.error }));
    });
  });
  failed.catch(() => undefined);
  await hop.run({
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
      await producer.send({ topic: to, acks: -1, messages: batch.messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })) });
      resolveOffset(batch.lastOffset());
      await commitOffsetsIfNecessary();
    },
  });
  try {
    return await drive(harness, from, to, true, failed);
  } finally {
    await hop.disconnect();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [from, to] }).catch(() => undefined);
    await admin.disconnect();
  }
}

function quantile(values: Float64Array, q: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * The platform's pipeline services on a prefix of their own, the bench pipeline running: records
 * through it. `harness` produces the records into `.raw` and reads them from the last topic.
 */
async function tributaryRun(harness: Kafka, env: Record<string, string>): Promise<Result> {
  const prefix = uniqueName('benchpl');
  const last = WITH_QUALITY ? 'validated' : 'processed';
  const platform = await startPlatform({
    topicPrefix: prefix,
    ports: { cpm: 17080, 'pipeline-manager': 17091, 'staging-manager': 17092, processor: 17093, 'quality-manager': 17094 },
    services: ['pipeline-manager', 'staging-manager', 'processor', ...(WITH_QUALITY ? (['quality-manager'] as const) : []), 'cpm'],
    logDir: `tmp/bench-logs/${prefix}`,
    env,
    log: (line) => console.log(`  ${line}`),
  });
  try {
    const admin = cpmClient(platform.cpmUrl, platform.apiKeys.admin);
    await admin.call('POST', '/pipelines', { type: 'application/yaml', data: WITH_QUALITY ? DEFINITION + QUALITY : DEFINITION });
    await cpmClient(platform.cpmUrl, platform.apiKeys.operator).start('bench');
    await waitForPipeline(admin, 'bench', (p) => p.status === 'RUNNING', 30_000);
    const result = await drive(harness, `${prefix}.data.bench.raw`, `${prefix}.data.bench.${last}`, true);
    console.log(`${fixed(result.seconds)} s`);
    return result;
  } finally {
    await platform.close();
  }
}

const rate = (r: Result) => RECORDS / r.seconds;

/** Metric snapshots every second vs off, alternating; the median of each side. */
async function metricsCost(kafka: Kafka): Promise<void> {
  const off: Result[] = [];
  const on: Result[] = [];
  for (let round = 1; round <= 2; round++) {
    section(`Round ${round}: metric reporting off (TRIBUTARY_METRICS_INTERVAL_MS=0)`);
    off.push(await tributaryRun(kafka, { TRIBUTARY_METRICS_INTERVAL_MS: '0' }));
    section(`Round ${round}: metric snapshots and heartbeats every second (TRIBUTARY_METRICS_INTERVAL_MS=1000)`);
    on.push(await tributaryRun(kafka, { TRIBUTARY_METRICS_INTERVAL_MS: '1000' }));
  }
  const median = (rs: Result[]) => rs.map(rate).sort((a, b) => a - b)[Math.floor(rs.length / 2)]!;
  section('Results');
  console.log(
    table(
      ['variant', 'records/s per round', 'median'],
      [
        ['metrics off', off.map((r) => int(rate(r))).join(' · '), int(median(off))],
        ['metrics every 1 s', on.map((r) => int(rate(r))).join(' · '), int(median(on))],
      ],
    ),
  );
  const ratio = median(on) / median(off);
  section('Summary');
  console.log(
    summary([{ measure: 'pipeline throughput with metric snapshots, records/s', tributary: int(median(on)), baseline: `${int(median(off))} reporting off`, ratio: `${fixed(ratio)}×`, goal: '≥ 0.95×', met: ratio >= 0.95 }]),
  );
  console.log(ratio >= 0.95 ? '\nGoal met.' : '\nMISSED: metrics collection costs more than 5%');
}

async function main(): Promise<void> {
  const missing = SERVICE_NODE_FLAGS.filter((flag) => !process.execArgv.includes(flag));
  if (missing.length > 0) throw new Error(`run through npm run bench:pipeline: the bench process needs the services' node flags (${missing.join(' ')})`);
  console.log('Tributary pipeline benchmark');
  console.log(`${new Date().toISOString()} · node ${process.version} · ${os.cpus().length} CPUs · load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`records ${int(RECORDS)} of ~${record(1, Date.now()).length} bytes · partitions ${PARTITIONS} · produce batches of ${int(BATCH)} · node flags ${SERVICE_NODE_FLAGS.join(' ')} on both sides`);
  const config = loadConfig();
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: 'bench-pipeline' });
  if (METRICS_COST) {
    await metricsCost(kafka);
    return;
  }
  // kafkajs 2.2.4 as published (npm alias kafkajs-stock): the services run it with Tributary's patch
  // (docs/broker.md), which speeds up kafkajs itself, so the passthrough is measured both ways.
  const stock = new StockKafka({ clientId: 'bench-pipeline-stock', brokers: config.kafka.brokers, connectionTimeout: 3_000, logLevel: stockLogLevel.ERROR });

  section('Plain kafkajs single-hop passthrough (baseline: kafkajs 2.2.4 as published)');
  const base = await passthrough(stock, kafka);
  console.log(`${fixed(base.seconds)} s`);

  section("The same passthrough on kafkajs with Tributary's patch (information)");
  const patched = await passthrough(kafka, kafka);
  console.log(`${fixed(patched.seconds)} s`);

  section(`Tributary: raw → staging manager → staged → processor → processed${WITH_QUALITY ? ' → quality manager → validated' : ''}`);
  const tributary = await tributaryRun(kafka, {});

  section('Results');
  console.log(
    table(
      ['variant', 'seconds', 'records/s', 'p50 ms', 'p99 ms'],
      [
        ['plain kafkajs passthrough (1 hop)', fixed(base.seconds), int(rate(base)), int(quantile(base.latencies, 0.5)), int(quantile(base.latencies, 0.99))],
        ['  the same, patched kafkajs', fixed(patched.seconds), int(rate(patched)), int(quantile(patched.latencies, 0.5)), int(quantile(patched.latencies, 0.99))],
        [`tributary raw → staged → processed${WITH_QUALITY ? ' → validated' : ''}`, fixed(tributary.seconds), int(rate(tributary)), int(quantile(tributary.latencies, 0.5)), int(quantile(tributary.latencies, 0.99))],
      ],
    ),
  );
  const ratio = rate(tributary) / rate(base);
  section('Summary');
  console.log(
    summary([
      {
        measure: 'pipeline throughput, records/s',
        tributary: int(rate(tributary)),
        baseline: `${int(rate(base))} kafkajs 1 hop`,
        ratio: `${fixed(ratio)}×`,
        goal: `≥ ${fixed(GOAL, 1)}×`,
        met: ratio >= GOAL,
      },
      {
        measure: '  against the patched passthrough',
        tributary: int(rate(tributary)),
        baseline: `${int(rate(patched))} patched 1 hop`,
        ratio: `${fixed(rate(tributary) / rate(patched))}×`,
        goal: '-',
        met: undefined,
      },
    ]),
  );
  console.log(ratio >= GOAL ? '\nGoal met.' : '\nMISSED: pipeline throughput');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
