import { ingestLimitDefaults, type IngestLimits } from '@tributary/staging';
import { z } from 'zod';
import { CpmConfigError } from './errors.js';

/** Behaviour of the HTTP edge. Defaults live in {@link cpmDefaults}. */
export interface CpmOptions {
  /** How long ingest waits for Kafka to acknowledge a request's records before answering 503. Default 10 s. */
  ingestAckTimeoutMs: number;
  /** How long the pre-publish Kafka probe may take before Kafka counts as unreachable. Default 2 s. */
  kafkaProbeTimeoutMs: number;
  /** A successful Kafka probe is trusted for this long, so ingest does not pay for it per request. Default 1 s. */
  kafkaProbeCacheMs: number;
  /** `Retry-After` (seconds) on 503 answers. Default 5. */
  retryAfterSeconds: number;
  /** Body, record-count and record-size limits of ingest (see docs/staging.md). Default `ingestLimitDefaults`. */
  ingestLimits: IngestLimits;
  /** Longest wait for the pipeline manager's answer to a command before 504 TRIB_COMMAND_TIMEOUT. Default 10 s. */
  commandTimeoutMs: number;
  /**
   * After a successful write, longest wait for the definitions view to show it, so a client reading right
   * after its write sees it (the answer is sent either way). Default 3 s.
   */
  readAfterWriteMs: number;
  /** Longest wait for one processor (preview, pause, resume) before trying the next. Default 5 s. */
  processorTimeoutMs: number;
  /** Largest pipeline definition body (YAML or JSON). Default 1 MiB. */
  definitionMaxBytes: number;
  /** Largest JSON body of the other routes (preview, replay, start/stop). Default 1 MiB. */
  jsonBodyMaxBytes: number;
  /** Most records one preview may carry. Default 1,000. */
  previewMaxRecords: number;
  /** Most concurrent `/events` streams; more are answered 503 TRIB_TOO_MANY_STREAMS. Default 100. */
  maxEventStreams: number;
  /** Interval of the SSE heartbeat comment, which keeps proxies from closing idle streams. Default 15 s. */
  eventHeartbeatMs: number;
  /**
   * Largest alert rule file (PUT /monitoring/alert-rules). Default 512 KiB: the file travels whole in
   * a PutAlertRules command and an AlertRulesChanged event, and Kafka's default message limit is 1 MiB.
   */
  alertRulesMaxBytes: number;
}

/** What callers pass: any option, and any subset of the ingest limits. */
export type CpmOptionsInput = Partial<Omit<CpmOptions, 'ingestLimits'>> & { ingestLimits?: Partial<IngestLimits> };

export const cpmDefaults: Readonly<CpmOptions> = Object.freeze({
  ingestAckTimeoutMs: 10_000,
  kafkaProbeTimeoutMs: 2_000,
  kafkaProbeCacheMs: 1_000,
  retryAfterSeconds: 5,
  ingestLimits: { ...ingestLimitDefaults },
  commandTimeoutMs: 10_000,
  readAfterWriteMs: 3_000,
  processorTimeoutMs: 5_000,
  definitionMaxBytes: 1024 * 1024,
  jsonBodyMaxBytes: 1024 * 1024,
  previewMaxRecords: 1_000,
  maxEventStreams: 100,
  eventHeartbeatMs: 15_000,
  alertRulesMaxBytes: 512 * 1024,
});

const positiveInt = z.number().int().min(1);
const optionsSchema = z.object({
  ingestAckTimeoutMs: positiveInt,
  kafkaProbeTimeoutMs: positiveInt,
  kafkaProbeCacheMs: z.number().int().min(0),
  retryAfterSeconds: positiveInt,
  ingestLimits: z.object({ maxBodyBytes: positiveInt, maxRecords: positiveInt, maxRecordBytes: positiveInt }),
  commandTimeoutMs: positiveInt,
  readAfterWriteMs: z.number().int().min(0),
  processorTimeoutMs: positiveInt,
  definitionMaxBytes: positiveInt,
  jsonBodyMaxBytes: positiveInt,
  previewMaxRecords: positiveInt,
  maxEventStreams: positiveInt,
  eventHeartbeatMs: positiveInt,
  alertRulesMaxBytes: positiveInt,
});

/** Merges overrides over the defaults (the caller's object is not modified) and validates the result. */
export function resolveCpmOptions(overrides: CpmOptionsInput = {}): Readonly<CpmOptions> {
  const merged = {
    ...cpmDefaults,
    ...overrides,
    ingestLimits: { ...cpmDefaults.ingestLimits, ...overrides.ingestLimits },
  };
  const parsed = optionsSchema.safeParse(merged);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new CpmConfigError(
      'TRIB_CPM_OPTIONS_INVALID',
      `Invalid CPM options: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return Object.freeze(parsed.data);
}
