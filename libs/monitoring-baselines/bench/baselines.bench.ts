/**
 * `npm run bench:monitoring`: metric points per second through the BaselineBook with its Redis
 * baseline updates, against the naive design measured in the same run on the same points: the same
 * math, written through to Redis with one HSET round trip per point.
 *
 * The book is driven as the monitoring manager drives it: `apply` per consumer batch (BENCH_BATCH
 * points), `flush` of the dirty series (pipelined MULTI/EXEC batches of 500) every BENCH_FLUSH_EVERY
 * points. Two things make it faster than the naive design: pipelining (hundreds of series per round
 * trip) and coalescing (a series sampled k times between flushes is written once). To show each, the
 * book also runs flushing every BENCH_SERIES points (one sample of each series per flush: pipelining
 * only, no coalescing) and every 5 × BENCH_FLUSH_EVERY points. The goal (10×) is judged on the
 * default cadence: 20,000 points, 10 samples of each series per flush. That is conservative for the
 * case throughput matters in (catching up on a backlog or a replay), where a manager flushing on a
 * 1 s timer writes each series once per second's worth of points; the run prints that figure too.
 * In steady state (one sample per series per scrape interval) there is nothing to coalesce, and
 * nothing to hurry either.
 *
 * Prints points/s (best and median of alternating rounds, after a warm-up) and the ratios, plus the
 * in-memory rate without Redis for reference. Exits 1 when the two designs end with different
 * baselines in Redis (the comparison would be dishonest) or the benchmark fails; a missed goal is
 * printed as MISSED, not an exit code.
 *
 * Settings (environment): BENCH_POINTS (200,000), BENCH_SERIES (2,000), BENCH_BATCH (1,000),
 * BENCH_FLUSH_EVERY (20,000), BENCH_ROUNDS (2), REDIS_URL (redis://127.0.0.1:6379).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { Redis } from 'ioredis';
import { BaselineBook, BaselineStore, type MetricPoint } from '../src/index.js';
import { generatePoints } from './data.js';
import { naivePass } from './naive.js';
import { positive } from './settings.js';
import { compareStored } from './stored.js';

const GOAL = 10;
const POINTS = positive('BENCH_POINTS', 200_000);
const SERIES = positive('BENCH_SERIES', 2_000);
const BATCH = positive('BENCH_BATCH', 1_000);
const FLUSH_EVERY = positive('BENCH_FLUSH_EVERY', 20_000);
const ROUNDS = positive('BENCH_ROUNDS', 2);
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const median = (xs: readonly number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const run = randomBytes(4).toString('hex');
const prefixes: string[] = [];
const prefix = (what: string) => {
  const p = `bench:monitoring:${run}:${what}:${prefixes.length}`;
  prefixes.push(p);
  return p;
};

console.log('Tributary monitoring baselines benchmark');
console.log(
  `${new Date().toISOString()} · node ${process.version} · ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}) · load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} · Redis ${REDIS_URL}`,
);

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
let exitCode = 0;
try {
  const points = generatePoints(POINTS, SERIES);
  console.log(
    `${int(POINTS)} points over ${int(SERIES)} series (counters, gauges, histograms; 20 services); apply per ${int(BATCH)} points, flush every ${int(FLUSH_EVERY)}`,
  );

  // 1. Honesty: both designs end with the same baselines in Redis.
  const batchedPrefix = prefix('check-batched');
  const naivePrefix = prefix('check-naive');
  const check = points.slice(0, Math.min(POINTS, 20_000));
  await batchedPass(batchedPrefix, check, FLUSH_EVERY);
  await naivePass(redis, naivePrefix, check);
  const { differing } = await compareStored(redis, batchedPrefix, naivePrefix);
  if (differing > 0) {
    console.error(`\nFAILED: ${differing} series end with different baselines in the two designs`);
    exitCode = 1;
  } else {
    console.log(`check: on the first ${int(check.length)} points both designs leave identical baselines in Redis`);
  }

  if (exitCode === 0) {
    // 2. Throughput: a warm-up of each, then alternating rounds (the order flips every round). The
    // book without a store is there for reference: what the math costs without Redis.
    const cadences = [...new Set([FLUSH_EVERY, SERIES, FLUSH_EVERY * 5])];
    const warm = points.slice(0, Math.min(POINTS, 10_000));
    await batchedPass(prefix('warm'), warm, FLUSH_EVERY);
    await naivePass(redis, prefix('warm-naive'), warm);
    memoryPass(warm);
    const rates = new Map<string, number[]>([['naive', []], ['memory', []], ...cadences.map((c): [string, number[]] => [String(c), []])]);
    const writes = new Map<number, { flushes: number; written: number }>();
    for (let round = 0; round < ROUNDS; round++) {
      const variants = ['naive', 'memory', ...cadences.map(String)];
      for (const variant of round % 2 === 0 ? variants : variants.reverse()) {
        const started = performance.now();
        if (variant === 'naive') await naivePass(redis, prefix(`naive-${round}`), points);
        else if (variant === 'memory') memoryPass(points);
        else writes.set(Number(variant), await batchedPass(prefix(`batched-${variant}-${round}`), points, Number(variant)));
        rates.get(variant)!.push(POINTS / ((performance.now() - started) / 1000));
      }
    }

    console.log(`\nthroughput, ${ROUNDS} alternating rounds of ${int(POINTS)} points after a warm-up (points/s):`);
    console.log(`  ${'variant'.padEnd(84)} ${'best'.padStart(10)} ${'median'.padStart(10)}   rounds`);
    const row = (label: string, list: readonly number[]) =>
      console.log(`  ${label.padEnd(84)} ${int(Math.max(...list)).padStart(10)} ${int(median(list)).padStart(10)}   ${list.map(int).join(' · ')}`);
    const naive = rates.get('naive')!;
    row('naive: one HSET round trip per point', naive);
    for (const cadence of cadences) {
      const w = writes.get(cadence)!;
      const what = cadence === SERIES ? 'pipelining only' : cadence === FLUSH_EVERY ? 'default' : 'more coalescing';
      row(`book, flush every ${int(cadence)} points (${what}): ${int(w.flushes)} flushes, ${int(w.written)} writes`, rates.get(String(cadence))!);
    }
    row('(reference) book in memory, no Redis', rates.get('memory')!);

    const defaultRate = median(rates.get(String(FLUSH_EVERY))!);
    console.log(`  (at ${int(defaultRate)} points/s, a 1 s flush timer would flush every ~${int(defaultRate)} points)`);
    console.log('\nbook / naive (median):');
    for (const cadence of cadences) {
      const ratio = median(rates.get(String(cadence))!) / median(naive);
      const goal = cadence === FLUSH_EVERY ? `   goal ≥ ${GOAL}×: ${ratio >= GOAL ? 'met' : 'MISSED'}` : '';
      console.log(`  flush every ${int(cadence).padStart(7)} points: ${ratio.toFixed(1).padStart(5)}×${goal}`);
    }
  }
} catch (err) {
  console.error('\nFAILED:', err);
  exitCode = 1;
} finally {
  for (const p of prefixes) await new BaselineStore({ redis, prefix: p }).clear().catch(() => undefined);
  redis.disconnect();
}
process.exit(exitCode);

/** The book as the monitoring manager drives it: apply each consumer batch, flush every `flushEvery` points. */
async function batchedPass(storePrefix: string, data: readonly MetricPoint[], flushEvery: number): Promise<{ flushes: number; written: number }> {
  const book = new BaselineBook({ store: new BaselineStore({ redis, prefix: storePrefix }) });
  let flushes = 0;
  let written = 0;
  let sinceFlush = 0;
  for (let i = 0; i < data.length; i += BATCH) {
    const batch = data.slice(i, i + BATCH);
    book.apply(batch);
    sinceFlush += batch.length;
    if (sinceFlush >= flushEvery || i + BATCH >= data.length) {
      written += (await book.flush()).saved;
      flushes++;
      sinceFlush = 0;
    }
  }
  return { flushes, written };
}

/** The book without a store: apply only. */
function memoryPass(data: readonly MetricPoint[]): void {
  const book = new BaselineBook();
  for (let i = 0; i < data.length; i += BATCH) book.apply(data.slice(i, i + BATCH));
}

