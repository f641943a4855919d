/**
 * `npm run bench:broker`: the messaging runtime against plain kafkajs, measured in the same run on
 * the running stack (Kafka, registry). Prints throughput, consumer memory and priority latency,
 * each beside its same-run baseline, then a summary of the goals. Exits 0 whether or not a
 * goal is met (MISSED says so); 1 only when the benchmark itself fails. Settings: options.ts.
 */
import os from 'node:os';
import { consumerMemory, growth, type MemoryResult, steadyGrowth } from './memory.js';
import { resolveBenchOptions } from './options.js';
import { type PriorityResult, priorityLatency, quantile } from './priority.js';
import { fixed, type GoalRow, int, mib, percent, section, summary, table } from './report.js';
import { openStack } from './stack.js';
import { assertWritten, kafkajsThroughput, megabytesPerSecond, rate, runtimeThroughput, type ThroughputResult } from './throughput.js';

const THROUGHPUT_GOAL = 0.9;
const PRIORITY_GOAL = 20;
const MEMORY_GOAL = 0.1;

const opts = resolveBenchOptions();
const goals: GoalRow[] = [];

console.log('Tributary broker benchmark');
console.log(`${new Date().toISOString()} · node ${process.version} · ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}) · load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(
  `records ${int(opts.records)} · partitions ${opts.partitions} · rounds ${opts.rounds} · warm-up ${int(opts.warmup)} · baseline sendBatch ${int(opts.baselineBatch)} · ` +
    `backlog ${int(opts.backlog)} · high ${opts.highPerSecond}/s × ${opts.highSeconds} s · handler ${opts.handlerMicros} µs`,
);

const stack = await openStack();
try {
  let runtimeBest: ThroughputResult | undefined;
  let jsonBest: ThroughputResult | undefined;
  if (opts.only.includes('throughput')) ({ runtimeBest, jsonBest } = await throughput());
  if (opts.only.includes('memory') && runtimeBest && jsonBest) await memory(runtimeBest, jsonBest);
  if (opts.only.includes('priority')) await priority();
  section('Summary');
  console.log(summary(goals));
  const missed = goals.filter((g) => g.met === false).map((g) => g.measure);
  console.log(missed.length ? `\nMISSED: ${missed.join('; ')}` : '\nAll goals met.');
} finally {
  const deleted = await stack.close({ keepTopics: opts.keepTopics });
  console.log(opts.keepTopics ? '\nBench topics kept (BENCH_KEEP_TOPICS).' : `\nDeleted the ${deleted.length} topics this run created.`);
}

async function throughput(): Promise<{ runtimeBest: ThroughputResult; jsonBest: ThroughputResult }> {
  section(`Throughput: publish → consume ${int(opts.records)} records end to end`);
  console.log('Consumer joined first; clock from the first publish to the last record handled. Same process, broker and partition count.');
  const base = { partitions: opts.partitions, baselineBatch: opts.baselineBatch, publishWindow: opts.publishWindow };
  const variants = [
    (records: number) => kafkajsThroughput(stack, { ...base, records }, 'json', 'plain kafkajs, JSON'),
    (records: number) => kafkajsThroughput(stack, { ...base, records }, 'json', 'patched kafkajs, JSON', 'patched'),
    (records: number) => kafkajsThroughput(stack, { ...base, records }, 'avro+headers', 'plain kafkajs, Avro + headers'),
    (records: number) => runtimeThroughput(stack, { ...base, records }, 'tributary broker'),
  ];
  if (opts.warmup > 0) {
    for (const run of variants) await run(opts.warmup);
    console.log(`(warm-up of ${int(opts.warmup)} records per variant done, not reported)`);
  }
  const rows: string[][] = [];
  const best = new Map<string, ThroughputResult>();
  for (let round = 1; round <= opts.rounds; round++) {
    for (const run of variants) {
      const r = await run(opts.records);
      await assertWritten(stack, r);
      rows.push([r.label, String(round), fixed(r.seconds), fixed(r.publishSeconds), int(rate(r)), String(r.bytesPerRecord), fixed(megabytesPerSecond(r))]);
      const prior = best.get(r.label);
      if (!prior || rate(r) > rate(prior)) best.set(r.label, r);
    }
  }
  console.log(table(['variant', 'round', 'seconds', 'publish s', 'records/s', 'bytes/rec', 'MB/s'], rows));
  const [json, patchedJson, avro, runtime] = ['plain kafkajs, JSON', 'patched kafkajs, JSON', 'plain kafkajs, Avro + headers', 'tributary broker'].map((l) => best.get(l)!) as [
    ThroughputResult,
    ThroughputResult,
    ThroughputResult,
    ThroughputResult,
  ];
  const ratio = rate(runtime) / rate(json);
  const note = opts.rounds > 1 ? ` (best of ${opts.rounds} rounds)` : '';
  console.log(`\ntributary broker ${int(rate(runtime))} records/s vs plain kafkajs ${int(rate(json))} records/s${note}`);
  console.log(`ratio ${fixed(ratio)}× (goal ≥ ${fixed(THROUGHPUT_GOAL)}×): ${ratio >= THROUGHPUT_GOAL ? 'OK' : 'MISSED'}`);
  console.log(
    `the same bytes through plain kafkajs (pre-encoded Avro + the 3 standard headers): ${int(rate(avro))} records/s = ${fixed(rate(avro) / rate(json))}× JSON; ` +
      `tributary broker = ${fixed(rate(runtime) / rate(avro))}× that`,
  );
  console.log(`the JSON baseline on kafkajs with Tributary's patch (as the runtime runs it): ${int(rate(patchedJson))} records/s; tributary broker = ${fixed(rate(runtime) / rate(patchedJson))}× that`);
  console.log("plain kafkajs = kafkajs 2.2.4 as published; patched = with Tributary's patch (docs/broker.md, \"kafkajs, patched\").");
  console.log('bytes/rec: key + value + header names and values; MB/s = records/s × bytes/rec.');
  goals.push(
    {
      measure: 'throughput, records/s',
      tributary: int(rate(runtime)),
      baseline: `${int(rate(json))} kafkajs JSON`,
      ratio: `${fixed(ratio)}×`,
      goal: `≥ ${fixed(THROUGHPUT_GOAL)}×`,
      met: ratio >= THROUGHPUT_GOAL,
    },
    {
      measure: 'throughput vs patched kafkajs JSON',
      tributary: int(rate(runtime)),
      baseline: `${int(rate(patchedJson))} patched JSON`,
      ratio: `${fixed(rate(runtime) / rate(patchedJson))}×`,
      goal: '—',
      met: undefined,
    },
    {
      measure: 'throughput vs same bytes',
      tributary: int(rate(runtime)),
      baseline: `${int(rate(avro))} kafkajs Avro+hdrs`,
      ratio: `${fixed(rate(runtime) / rate(avro))}×`,
      goal: '—',
      met: undefined,
    },
  );
  return { runtimeBest: runtime, jsonBest: json };
}

async function memory(runtime: ThroughputResult, json: ThroughputResult): Promise<void> {
  section('Consumer memory (RSS)');
  console.log(`A consumer in a child process drains the ${int(opts.records)} records the throughput run wrote (new group, from the beginning);`);
  console.log('RSS sampled every 250 ms from the join to the last record. start: just joined; warm: 10% handled.');
  const results: MemoryResult[] = [
    await consumerMemory('tributary broker', 'runtime', runtime.topic, runtime.records),
    await consumerMemory('plain kafkajs, JSON', 'kafkajs', json.topic, json.records),
  ];
  console.log(
    table(
      ['consumer', 'start', 'warm', 'peak', 'end', 'end vs start', 'end vs warm', 'samples', 'records/s'],
      results.map((m) => [
        m.label,
        mib(m.startRss),
        mib(m.warmRss),
        mib(m.peakRss),
        mib(m.endRss),
        percent(growth(m)),
        percent(steadyGrowth(m)),
        String(m.samples),
        int(m.records / m.seconds),
      ]),
    ),
  );
  for (const m of results) console.log(`${m.label}: RSS at 25/50/75/100% handled: ${m.trajectory.map(mib).join(' → ')}`);
  const ours = results[0]!;
  const flat = steadyGrowth(ours) <= MEMORY_GOAL;
  console.log(
    `growth once warm (end vs warm) ${percent(steadyGrowth(ours))} (goal ≤ +${MEMORY_GOAL * 100}%): ${flat ? 'OK' : 'MISSED'}; ` +
      `start → end ${percent(growth(ours))} is the working set (fetch buffers, heap) filling in, as for plain kafkajs`,
  );
  goals.push({
    measure: 'consumer RSS, end vs warm (start/peak/end)',
    tributary: `${percent(steadyGrowth(ours))} (${mib(ours.startRss)}/${mib(ours.peakRss)}/${mib(ours.endRss)})`,
    baseline: `${percent(steadyGrowth(results[1]!))} kafkajs`,
    ratio: '—',
    goal: `≤ +${MEMORY_GOAL * 100}%`,
    met: flat,
  });
}

async function priority(): Promise<void> {
  section('Priority: high-priority latency over a low-priority backlog');
  console.log(
    `${int(opts.backlog)} low-priority commands queued first; then ${opts.highPerSecond}/s high-priority commands for ${opts.highSeconds} s. ` +
      `Every command costs the handler ${opts.handlerMicros} µs. Latency = handling start − sentAt. Consumer in a child process.`,
  );
  const { banded, single } = await priorityLatency(stack, {
    partitions: opts.partitions,
    backlog: opts.backlog,
    highPerSecond: opts.highPerSecond,
    highSeconds: opts.highSeconds,
    handlerMicros: opts.handlerMicros,
    publishWindow: opts.publishWindow,
  });
  const row = (r: PriorityResult) => [
    r.label,
    String(r.latencies.length),
    ...[0.5, 0.9, 0.99].map((q) => int(quantile(r.latencies, q))),
    int(r.latencies.at(-1) ?? NaN),
    int(r.backlogLeft),
  ];
  console.log(table(['topic', 'commands', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'backlog left at end of stream'], [row(banded), row(single)]));
  const ratio = quantile(single.latencies, 0.99) / Math.max(1, quantile(banded.latencies, 0.99));
  console.log(`p99 ${int(quantile(banded.latencies, 0.99))} ms banded vs ${int(quantile(single.latencies, 0.99))} ms single band: ${fixed(ratio, 1)}× lower (goal ≥ ${PRIORITY_GOAL}×): ${ratio >= PRIORITY_GOAL ? 'OK' : 'MISSED'}`);
  goals.push({
    measure: 'priority p99 latency, ms',
    tributary: `${int(quantile(banded.latencies, 0.99))} banded`,
    baseline: `${int(quantile(single.latencies, 0.99))} single band`,
    ratio: `${fixed(ratio, 1)}× lower`,
    goal: `≥ ${PRIORITY_GOAL}× lower`,
    met: ratio >= PRIORITY_GOAL,
  });
}
