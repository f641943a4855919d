/** The benchmark's settings: defaults in one object, overridable by BENCH_* environment variables. */
import { publisherDefaults } from '../src/index.js';
import { z } from 'zod';

type Part = 'throughput' | 'memory' | 'priority';

export interface BenchOptions {
  records: number;
  partitions: number;
  rounds: number;
  warmup: number;
  baselineBatch: number;
  publishWindow: number;
  backlog: number;
  highPerSecond: number;
  highSeconds: number;
  handlerMicros: number;
  only: readonly Part[];
  keepTopics: boolean;
}

export const benchDefaults: Readonly<BenchOptions> = Object.freeze<BenchOptions>({
  /** BENCH_RECORDS: records per throughput run (the issue's figure). */
  records: 1_000_000,
  /** BENCH_PARTITIONS: partitions of every bench topic. */
  partitions: 6,
  /** BENCH_ROUNDS: throughput rounds (each runs every variant once); the best rate of each is kept. */
  rounds: 1,
  /** BENCH_WARMUP: records of an unreported first pass of each variant, so the JIT is warm (0: none). */
  warmup: 20_000,
  /** BENCH_BASELINE_BATCH: messages per `sendBatch` of plain kafkajs, as many as the publisher's batches. */
  baselineBatch: publisherDefaults.maxBatchCount,
  /** BENCH_PUBLISH_WINDOW: publishes the runtime's caller keeps outstanding. */
  publishWindow: 16_384,
  /** BENCH_BACKLOG: low-priority commands queued before the high-priority ones arrive. */
  backlog: 200_000,
  /** BENCH_HIGH_PER_SECOND, BENCH_HIGH_SECONDS: the high-priority stream. */
  highPerSecond: 100,
  highSeconds: 12,
  /** BENCH_HANDLER_US: simulated handler work per command in the priority runs. */
  handlerMicros: 75,
  /** BENCH_ONLY: which parts run (comma-separated). */
  only: ['throughput', 'memory', 'priority'],
  /** BENCH_KEEP_TOPICS=1: keep the bench topics for inspection instead of deleting them. */
  keepTopics: false,
});

const count = z.coerce.number().int().positive();
const envSchema = z.object({
  BENCH_RECORDS: count.optional(),
  BENCH_PARTITIONS: count.min(3).optional(),
  BENCH_ROUNDS: count.optional(),
  BENCH_WARMUP: z.coerce.number().int().min(0).optional(),
  BENCH_BASELINE_BATCH: count.optional(),
  BENCH_PUBLISH_WINDOW: count.optional(),
  BENCH_BACKLOG: count.optional(),
  BENCH_HIGH_PER_SECOND: count.max(1_000).optional(),
  BENCH_HIGH_SECONDS: count.optional(),
  BENCH_HANDLER_US: z.coerce.number().min(0).optional(),
  BENCH_ONLY: z
    .string()
    .transform((s) => s.split(',').map((p) => p.trim()))
    .pipe(z.array(z.enum(['throughput', 'memory', 'priority'])))
    .optional(),
  BENCH_KEEP_TOPICS: z.enum(['0', '1', 'true', 'false']).optional(),
});

export function resolveBenchOptions(env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid benchmark settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const e = parsed.data;
  const options: BenchOptions = {
    records: e.BENCH_RECORDS ?? benchDefaults.records,
    partitions: e.BENCH_PARTITIONS ?? benchDefaults.partitions,
    rounds: e.BENCH_ROUNDS ?? benchDefaults.rounds,
    warmup: e.BENCH_WARMUP ?? benchDefaults.warmup,
    baselineBatch: e.BENCH_BASELINE_BATCH ?? benchDefaults.baselineBatch,
    publishWindow: e.BENCH_PUBLISH_WINDOW ?? benchDefaults.publishWindow,
    backlog: e.BENCH_BACKLOG ?? benchDefaults.backlog,
    highPerSecond: e.BENCH_HIGH_PER_SECOND ?? benchDefaults.highPerSecond,
    highSeconds: e.BENCH_HIGH_SECONDS ?? benchDefaults.highSeconds,
    handlerMicros: e.BENCH_HANDLER_US ?? benchDefaults.handlerMicros,
    only: e.BENCH_ONLY ?? benchDefaults.only,
    keepTopics: e.BENCH_KEEP_TOPICS === '1' || e.BENCH_KEEP_TOPICS === 'true',
  };
  if (options.only.includes('memory') && !options.only.includes('throughput')) {
    throw new Error('BENCH_ONLY: memory drains the topics the throughput run fills; include throughput');
  }
  return Object.freeze(options);
}
