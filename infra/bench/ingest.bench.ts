/**
 * `npm run bench:ingest`: HTTP ingest of 1,000-record JSON batches from concurrent clients, through
 * the CPM (auth, validation and coercion, record ids, batched publish of the raw JSON to `.raw`) vs a bare
 * express + kafkajs handler doing the same parse-and-send (bare-ingest-server.ts), each in its own
 * process, on the same broker in the same run. Goal: the CPM at ≥ 0.8× the bare handler's records/s.
 * The bare handler runs kafkajs 2.2.4 as published (`kafkajs-stock`), and again, for information, on
 * kafkajs with Tributary's patch (docs/broker.md), which the CPM runs.
 *
 * BENCH_BATCHES (default 300 → 300,000 records), BENCH_CONCURRENCY (default 8).
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { createKafka } from '@tributary/broker';
import { loadConfig } from '@tributary/config';
import { uniqueName } from '@tributary/testing';
import { fixed, int, section, summary, table } from '../../libs/broker/bench/report.js';
import { cpmClient } from '../platform/demo.js';
import { generateOrders } from '../platform/demo-data.js';
import { startPlatform } from '../platform/platform.js';
import { SERVICE_NODE_FLAGS } from '../platform/services.js';
import { repoRoot } from '../stack/src/options.js';

const BATCHES = Number(process.env.BENCH_BATCHES ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const BATCH = 1_000;
const GOAL = 0.8;

/** Posts BATCHES bodies to `url` from CONCURRENCY clients; returns seconds and records accepted. */
async function load(url: string, headers: Record<string, string>, bodies: string[]): Promise<{ seconds: number; accepted: number }> {
  let next = 0;
  let accepted = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < BATCHES) {
        const body = bodies[next++ % bodies.length]!;
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
        if (res.status !== 202) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
        accepted += ((await res.json()) as { accepted: number }).accepted;
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, accepted };
}

async function main(): Promise<void> {
  console.log('Tributary ingest benchmark');
  console.log(`${new Date().toISOString()} · node ${process.version} · ${os.cpus().length} CPUs · load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`${int(BATCHES)} batches of ${int(BATCH)} records · ${CONCURRENCY} concurrent clients`);
  const config = loadConfig();
  const prefix = uniqueName('benching');
  // Valid orders only (the demo data set without its invalid prices), 20 distinct bodies.
  const orders = generateOrders(BATCH * 20 + 400, { repeats: false }).records.filter((r) => typeof r.price === 'number');
  const bodies = Array.from({ length: 20 }, (_, i) => JSON.stringify(orders.slice(i * BATCH, (i + 1) * BATCH)));

  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: 'bench-ingest' });
  const admin = kafka.admin();
  await admin.connect();
  const bareTopic = uniqueName('bench-ingest-bare');
  await admin.createTopics({ topics: [{ topic: bareTopic, numPartitions: 6 }], waitForLeaders: true });
  /** The bare handler on kafkajs as published (`stock`) or with Tributary's patch (docs/broker.md). */
  const bareRun = async (kafkajs: 'stock' | 'patched') => {
    // The same node flags as the CPM gets from the platform: the comparison is of the handlers, not of heap settings.
    const bare = spawn(process.execPath, [...SERVICE_NODE_FLAGS, '--import', 'tsx', path.join('infra', 'bench', 'bare-ingest-server.ts')], {
      cwd: repoRoot,
      env: { ...process.env, PORT: '17190', TOPIC: bareTopic, KAFKA_BROKERS: config.kafka.brokers.join(','), BARE_KAFKAJS: kafkajs },
      stdio: 'inherit',
    });
    const exited = new Promise((r) => bare.once('exit', r));
    try {
      for (let i = 0; ; i++) {
        const ok = await fetch('http://127.0.0.1:17190/readyz').then((r) => r.ok, () => false);
        if (ok) break;
        if (i > 100) throw new Error('the bare ingest server did not start');
        await new Promise((r) => setTimeout(r, 200));
      }
      await load('http://127.0.0.1:17190/records', {}, bodies.slice(0, 2)); // warm-up
      const result = await load('http://127.0.0.1:17190/records', {}, bodies);
      console.log(`${fixed(result.seconds)} s, ${int(result.accepted)} records`);
      return result;
    } finally {
      bare.kill('SIGTERM');
      await exited;
    }
  };
  section('Baseline: bare express + kafkajs (kafkajs 2.2.4 as published)');
  const base = await bareRun('stock');
  section("The same bare handler on kafkajs with Tributary's patch (information)");
  const patched = await bareRun('patched');

  section('Tributary CPM: POST /api/v1/pipelines/orders/records');
  const platform = await startPlatform({
    topicPrefix: prefix,
    ports: { cpm: 17180, 'pipeline-manager': 17191, 'staging-manager': 17192, processor: 17193, 'quality-manager': 17194, 'monitoring-manager': 17195 },
    logDir: `tmp/bench-logs/${prefix}`,
    log: (line) => console.log(`  ${line}`),
  });
  let cpm: { seconds: number; accepted: number };
  try {
    const { readFileSync } = await import('node:fs');
    await cpmClient(platform.cpmUrl, platform.apiKeys.admin).apply(readFileSync(path.join(repoRoot, 'libs/pipelines/examples/orders.yaml'), 'utf8'), 'orders');
    // Only the edge is measured: the consumers of .raw would share the two cores with it.
    await platform.service('staging-manager').stop();
    await platform.service('processor').stop();
    const url = `${platform.cpmUrl}/api/v1/pipelines/orders/records`;
    const auth = { authorization: `Bearer ${platform.apiKeys.operator}` };
    await load(url, auth, bodies.slice(0, 2)); // warm-up
    cpm = await load(url, auth, bodies);
    console.log(`${fixed(cpm.seconds)} s, ${int(cpm.accepted)} records`);
  } finally {
    await platform.close();
    await admin.deleteTopics({ topics: [bareTopic] }).catch(() => undefined);
    await admin.disconnect();
  }

  const rate = (r: { seconds: number; accepted: number }) => r.accepted / r.seconds;
  section('Results');
  console.log(
    table(
      ['variant', 'seconds', 'records/s', 'batches/s'],
      [
        ['bare express + kafkajs', fixed(base.seconds), int(rate(base)), fixed(BATCHES / base.seconds, 1)],
        ['  the same, patched kafkajs', fixed(patched.seconds), int(rate(patched)), fixed(BATCHES / patched.seconds, 1)],
        ['tributary CPM ingest', fixed(cpm.seconds), int(rate(cpm)), fixed(BATCHES / cpm.seconds, 1)],
      ],
    ),
  );
  const ratio = rate(cpm) / rate(base);
  section('Summary');
  console.log(
    summary([
      { measure: 'ingest, records/s', tributary: int(rate(cpm)), baseline: `${int(rate(base))} bare handler`, ratio: `${fixed(ratio)}×`, goal: `≥ ${fixed(GOAL, 1)}×`, met: ratio >= GOAL },
      {
        measure: '  against the patched bare handler',
        tributary: int(rate(cpm)),
        baseline: `${int(rate(patched))} patched`,
        ratio: `${fixed(rate(cpm) / rate(patched))}×`,
        goal: '-',
        met: undefined,
      },
    ]),
  );
  console.log(ratio >= GOAL ? '\nGoal met.' : '\nMISSED: ingest throughput');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
