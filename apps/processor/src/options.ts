import { consumerRunnerDefaults } from '@tributary/broker';
import { z } from 'zod';
import { ProcessorConfigError } from './errors.js';

/** Behaviour of a processor. Defaults live in {@link processorDefaults}. */
export interface ProcessorOptions {
  /** How often a ProcessorAnnounced is published (also sent at start and on pause/resume). Default 10 s. */
  announceIntervalMs: number;
  /**
   * Handled `.staged` records per transaction (outputs, RunProgress and offsets commit together).
   * Default 5,000: each transaction costs several broker round trips, and a fetch bounds it anyway.
   */
  commitEvery: number;
  /** Consumer group session timeout per pipeline. Default 30 s (the runner's). */
  sessionTimeoutMs: number;
  /** Longest a pipeline's consumer may take to stop (finish, commit, leave the group). Default 30 s. */
  shutdownTimeoutMs: number;
  /** Handler attempts before a `.staged` record is dead-lettered. Default 5. */
  maxAttempts: number;
  /** First retry delay of a failing handler, doubled per attempt. Default 100 ms. */
  retryInitialDelayMs: number;
}

export const processorDefaults: Readonly<ProcessorOptions> = Object.freeze({
  announceIntervalMs: 10_000,
  commitEvery: 5000,
  sessionTimeoutMs: consumerRunnerDefaults.sessionTimeoutMs,
  shutdownTimeoutMs: consumerRunnerDefaults.shutdownTimeoutMs,
  maxAttempts: 5,
  retryInitialDelayMs: 100,
});

const positiveInt = z.number().int().min(1);
const optionsSchema = z.strictObject({
  announceIntervalMs: positiveInt,
  commitEvery: positiveInt,
  sessionTimeoutMs: positiveInt,
  shutdownTimeoutMs: positiveInt,
  maxAttempts: positiveInt,
  retryInitialDelayMs: positiveInt,
});

/** Merges overrides over the defaults (the caller's object is not modified) and validates the result. */
export function resolveProcessorOptions(overrides: Partial<ProcessorOptions> = {}): Readonly<ProcessorOptions> {
  return Object.freeze(parse(optionsSchema, { ...processorDefaults, ...overrides }, 'processor options'));
}

/** Limits of the HTTP API. Defaults live in {@link processorHttpDefaults}. */
export interface ProcessorHttpOptions {
  /** Largest preview body, in bytes. Default 1 MiB. */
  previewMaxBytes: number;
  /** Most records in one preview. Default 1,000. */
  previewMaxRecords: number;
  /** `Retry-After` (seconds) on 503 answers. Default 5. */
  retryAfterSeconds: number;
  /** How long each readiness check may take. Default 2 s. */
  probeTimeoutMs: number;
}

export const processorHttpDefaults: Readonly<ProcessorHttpOptions> = Object.freeze({
  previewMaxBytes: 1024 * 1024,
  previewMaxRecords: 1_000,
  retryAfterSeconds: 5,
  probeTimeoutMs: 2_000,
});

const httpOptionsSchema = z.strictObject({
  previewMaxBytes: positiveInt,
  previewMaxRecords: positiveInt,
  retryAfterSeconds: positiveInt,
  probeTimeoutMs: positiveInt,
});

export function resolveProcessorHttpOptions(overrides: Partial<ProcessorHttpOptions> = {}): Readonly<ProcessorHttpOptions> {
  return Object.freeze(parse(httpOptionsSchema, { ...processorHttpDefaults, ...overrides }, 'processor HTTP options'));
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new ProcessorConfigError(`Invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  return parsed.data;
}
