/**
 * `npm run bench:quality`: the rules engine against the same ten checks written by hand, in the
 * same run, on the same records in memory (no Kafka). Prints records/s of each (best and median of
 * alternating rounds, after a warm-up), their ratio against the goal, and the cost of each rule.
 * Exits 1 when the two disagree on any rule's failure count (the comparison would be dishonest) or
 * the benchmark fails; a missed goal is printed as MISSED, not an exit code.
 *
 * Settings (environment): BENCH_RECORDS (default 1,000,000), BENCH_ROUNDS (5), BENCH_DEFECT_RATE (0.04).
 */
import os from 'node:os';
import { type DataRecord, ExpressionScope } from '@tributary/pipelines';
import { type QualityRuleSetInput, type RecordVerdict, compileRuleSet } from '../src/index.js';
import { handWritten } from './baseline.js';
import { DEFECTS, type Order, generateOrders } from './data.js';
import { benchRuleSet, orderFields } from './rules.js';

const GOAL = 0.5;
const RECORDS = positive('BENCH_RECORDS', 1_000_000);
const ROUNDS = positive('BENCH_ROUNDS', 5);
const DEFECT_RATE = Number(process.env['BENCH_DEFECT_RATE'] ?? 0.04);
const NOW = 1_700_000_000_000;

type Evaluate = (record: Order, now: number) => RecordVerdict;
/** How many records the first timed pass quarantined: every other pass must agree. */
let quarantinedByAll: number | undefined;

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log('Tributary quality rules benchmark');
console.log(`${new Date().toISOString()} · node ${process.version} · ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}) · load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

const started = performance.now();
const { records, seeded } = generateOrders(RECORDS, NOW, DEFECT_RATE);
const defective = Object.values(seeded).reduce((a, b) => a + b, 0);
console.log(`${int(RECORDS)} records of ${orderFields.length} fields generated in ${((performance.now() - started) / 1000).toFixed(1)} s; ${int(defective)} (${((defective / RECORDS) * 100).toFixed(1)}%) with one seeded defect each`);

const ruleSet = compileRuleSet(benchRuleSet, orderFields);
console.log(`rules: ${ruleSet.rules.map((r) => (r.engine ? `${r.type} (${r.engine})` : r.type)).join(', ')}`);

const engine = (): Evaluate => {
  const evaluator = ruleSet.createEvaluator();
  // One context for the pass, as a consumer makes one per batch; the records all share NOW.
  const ctx = { now: NOW };
  return (record) => evaluator.evaluate(record as unknown as DataRecord, ctx);
};

// 1. Honesty: both must find the same failures, and exactly the seeded ones.
const engineCounts = countFailures(engine());
const baselineCounts = countFailures(handWritten);
const rows = DEFECTS.map((id) => [id, int(seeded[id]), int(engineCounts.get(id) ?? 0), int(baselineCounts.get(id) ?? 0)]);
console.log('\nfailures per rule (seeded · engine · hand-written):');
for (const [id, s, e, b] of rows) console.log(`  ${id!.padEnd(16)} ${s!.padStart(7)} ${e!.padStart(7)} ${b!.padStart(7)}`);
const disagree = DEFECTS.filter((id) => (engineCounts.get(id) ?? 0) !== (baselineCounts.get(id) ?? 0) || (engineCounts.get(id) ?? 0) !== seeded[id]);
if (disagree.length > 0) {
  console.error(`\nFAILED: engine, hand-written code and seeded defects disagree on ${disagree.join(', ')}`);
  process.exit(1);
}
console.log('  engine = hand-written = seeded for every rule');

// 2. Throughput: a warm-up pass of each, then alternating rounds (the order flips every round).
// Each variant has its own loop calling it directly, as a consumer's batch loop would.
const variants: [string, () => Pass][] = [
  ['engine', enginePass],
  ['hand-written', baselinePass],
];
for (const [, make] of variants) timePass(make());
const rates = new Map<string, number[]>(variants.map(([label]) => [label, []]));
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? variants : [...variants].reverse();
  for (const [label, make] of order) rates.get(label)!.push(RECORDS / timePass(make()));
}
const [engineRates, baselineRates] = [rates.get('engine')!, rates.get('hand-written')!];
console.log(`\nthroughput, ${ROUNDS} alternating rounds of ${int(RECORDS)} records after a warm-up (records/s):`);
console.log(`  ${'variant'.padEnd(14)} ${'best'.padStart(12)} ${'median'.padStart(12)}   rounds`);
for (const [label, list] of rates) {
  console.log(`  ${label.padEnd(14)} ${int(Math.max(...list)).padStart(12)} ${int(median(list)).padStart(12)}   ${list.map(int).join(' · ')}`);
}
const bestRatio = Math.max(...engineRates) / Math.max(...baselineRates);
const medianRatio = median(engineRates) / median(baselineRates);
console.log(`\nengine / hand-written: best ${bestRatio.toFixed(2)}×, median ${medianRatio.toFixed(2)}× (goal ≥ ${GOAL}×): ${medianRatio >= GOAL ? 'OK' : 'MISSED'}`);

// 3. Where the engine's time goes: each rule alone, and what the expression would cost through CEL.
const SAMPLE = Math.min(RECORDS, 200_000);
const evaluatorOf = (rules: QualityRuleSetInput['rules']) => () => {
  const evaluator = compileRuleSet({ lookups: benchRuleSet.lookups, rules }, orderFields).createEvaluator();
  const ctx = { now: NOW };
  return (r: Order) => evaluator.evaluate(r as unknown as DataRecord, ctx);
};
const base = timeOne(evaluatorOf([]));
console.log(`\ncost of each rule alone (ns/record over ${int(SAMPLE)} records, best of 5, minus the ${base.toFixed(0)} ns of an empty rule set):`);
const costs = benchRuleSet.rules.map((rule) => ({ id: rule.id, type: rule.type, ns: Math.max(0, timeOne(evaluatorOf([rule])) - base) }));
const total = costs.reduce((a, c) => a + c.ns, 0);
for (const c of costs) console.log(`  ${c.id.padEnd(16)} ${c.type.padEnd(11)} ${c.ns.toFixed(1).padStart(7)}  ${((c.ns / total) * 100).toFixed(0).padStart(3)}%`);
const top = costs.reduce((a, c) => (c.ns > a.ns ? c : a));
const cel = celCost();
const expression = costs.find((c) => c.type === 'expression')!;
const celShare = cel / (total - expression.ns + cel);
console.log(`the costliest rule is ${top.id} (${top.type}, ${((top.ns / total) * 100).toFixed(0)}% of the rules' time)`);
console.log(
  `the expression through the CEL evaluator itself costs ${cel.toFixed(0)} ns/record: it would be ${(celShare * 100).toFixed(0)}% of the rules' time` +
    `${cel > Math.max(...costs.filter((c) => c !== expression).map((c) => c.ns)) ? ', the costliest rule by far' : ''}. ` +
    `The rule runs it on its fast path instead (same results; src/rules/expression-fast-path.ts).`,
);

function countFailures(evaluate: Evaluate): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of records) {
    for (const f of evaluate(record, NOW).failures) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  }
  return counts;
}

/** One pass over every record; returns the number quarantined. */
type Pass = () => number;

function enginePass(): Pass {
  const evaluator = ruleSet.createEvaluator();
  const ctx = { now: NOW };
  return () => {
    let quarantined = 0;
    for (let i = 0; i < records.length; i++) if (evaluator.evaluate(records[i] as unknown as DataRecord, ctx).quarantine) quarantined++;
    return quarantined;
  };
}

function baselinePass(): Pass {
  return () => {
    let quarantined = 0;
    for (let i = 0; i < records.length; i++) if (handWritten(records[i]!, NOW).quarantine) quarantined++;
    return quarantined;
  };
}

/** Seconds for one pass; both variants must quarantine the same records. */
function timePass(pass: Pass): number {
  const start = performance.now();
  const quarantined = pass();
  const seconds = (performance.now() - start) / 1000;
  quarantinedByAll ??= quarantined;
  if (quarantined !== quarantinedByAll) throw new Error(`quarantined ${quarantined} records, another pass ${quarantinedByAll}`);
  return seconds;
}

/** ns per record of `make()` over the sample, best of five. */
function timeOne(make: () => (record: Order) => unknown): number {
  let best = Infinity;
  for (let k = 0; k < 5; k++) {
    const run = make();
    let sink = 0;
    const start = performance.now();
    for (let i = 0; i < SAMPLE; i++) if (run(records[i]!) !== undefined) sink++;
    best = Math.min(best, ((performance.now() - start) * 1e6) / SAMPLE);
    if (sink === -1) console.log(sink);
  }
  return best;
}

function celCost(): number {
  const outcome = new ExpressionScope(new Map(orderFields.map((f) => [f.name, f]))).compile('discount <= amount * 0.5');
  if (!outcome.ok) throw new Error(outcome.message);
  const { expression } = outcome;
  return timeOne(() => (r: Order) => (r.discount == null || r.amount == null ? undefined : expression.evaluate(r as unknown as DataRecord))) - base;
}

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return n;
}
