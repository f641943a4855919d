import type {
  EvaluatedRecord,
  FreshnessRuleInfo,
  QualityWindowDelta,
  QualityWindowMetrics,
  RuleFailure,
  RuleFailureMetrics,
  UniqueRuleInfo,
} from '../../src/index.js';
import { QualityDeltaAccumulator } from '../../src/index.js';
import { seededRandom } from '@tributary/testing';

export const SECOND = 1000;
export const MINUTE = 60_000;
/** A whole hour, so 1m windows start on T0 + k minutes. */
export const T0 = Date.UTC(2024, 0, 15, 10, 0, 0);

export const SLA_MS = 5 * MINUTE;
export const UNIQUE_RULES: readonly UniqueRuleInfo[] = [{ ruleId: 'id-unique', fields: ['id'] }];
export const FRESHNESS: FreshnessRuleInfo = { field: 'createdAt', slaMs: SLA_MS };

export const rng = seededRandom;

/** Fisher–Yates with the seeded generator. */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const PRICE_RULE: Omit<RuleFailure, 'severity'> = { ruleId: 'price-positive', ruleType: 'range', field: 'price' };
const EMAIL_RULE: Omit<RuleFailure, 'severity'> = { ruleId: 'email-format', ruleType: 'pattern', field: 'email' };
const COUNTRY_RULE: Omit<RuleFailure, 'severity'> = { ruleId: 'country-known', ruleType: 'in-set' };
const UNIQUE_RULE: Omit<RuleFailure, 'severity'> = { ruleId: 'id-unique', ruleType: 'unique', field: 'id' };
const FRESH_RULE: Omit<RuleFailure, 'severity'> = { ruleId: 'fresh-orders', ruleType: 'freshness', field: 'createdAt' };

/**
 * Orders arriving (evaluated) over `minutes` minutes after `startTime`, in arrival order, with an
 * event time (`createdAt`) 0..`maxLagMs` before arrival. Nulls, rule failures and duplicate ids at
 * the given rates, with the failures the rule engine would report for them.
 */
export function generateOrders(options: {
  seed: number;
  count: number;
  minutes: number;
  maxLagMs?: number;
  nullEmailRate?: number;
  nullCreatedAtRate?: number;
  priceFailRate?: number;
  emailWarnRate?: number;
  countryFailRate?: number;
  duplicateRate?: number;
  /** Default T0. */
  startTime?: number;
  /** Default `o`. */
  idPrefix?: string;
}): EvaluatedRecord[] {
  const random = rng(options.seed);
  const { count, minutes, maxLagMs = 600_000, startTime = T0, idPrefix = 'o' } = options;
  const arrivals: EvaluatedRecord[] = [];
  for (let i = 0; i < count; i++) {
    const now = startTime + Math.floor((i / count) * minutes * MINUTE);
    const nullEmail = random() < (options.nullEmailRate ?? 0.1);
    const createdAt = random() < (options.nullCreatedAtRate ?? 0.05) ? null : now - Math.floor(random() ** 2 * maxLagMs);
    const failures: RuleFailure[] = [];
    if (random() < (options.priceFailRate ?? 0.05)) failures.push({ ...PRICE_RULE, severity: 'error' });
    if (!nullEmail && random() < (options.emailWarnRate ?? 0.08)) failures.push({ ...EMAIL_RULE, severity: 'warn' });
    if (random() < (options.countryFailRate ?? 0.02)) {
      // Some rules report several failures for one record; the record still counts once.
      failures.push({ ...COUNTRY_RULE, severity: 'error' }, { ...COUNTRY_RULE, severity: 'error' });
    }
    const duplicate = i > 0 && random() < (options.duplicateRate ?? 0.03);
    if (duplicate) failures.push({ ...UNIQUE_RULE, severity: 'warn' });
    if (createdAt !== null && now - createdAt > SLA_MS) failures.push({ ...FRESH_RULE, severity: 'warn' });
    const id = duplicate ? `${idPrefix}${i - 1}` : `${idPrefix}${i}`;
    const record = {
      id,
      price: failures.some((f) => f.ruleId === 'price-positive') ? -1 : 10 + Math.round(random() * 100),
      email: nullEmail ? null : `${idPrefix}${i}@example.com`,
      country: random() < 0.5 ? 'DE' : 'FR',
      ...(random() < 0.3 ? { coupon: 'SPRING' } : {}),
      createdAt,
    };
    arrivals.push({ record, recordId: `${idPrefix}-r${i}`, now, failures, quarantined: failures.some((f) => f.severity === 'error') });
  }
  return arrivals;
}

/** A delta as the quality manager would publish it, with the Kafka timestamp of its message. */
export interface StampedDelta {
  readonly delta: QualityWindowDelta;
  readonly now: number;
}

/** Accumulator options of the generated orders. */
export const ORDERS = { pipelineId: 'orders', uniqueRules: UNIQUE_RULES, freshness: FRESHNESS } as const;

/**
 * The records split at random over `partitions` partitions, each consumed in transactions of
 * 1..`maxBatch` records; every transaction publishes the deltas of the windows it touched, stamped
 * with its commit time (its last record's arrival + 0..`maxCommitDelayMs`). Sorted by that time, as
 * the deltas topic would hold them.
 */
export function transactionDeltas(
  arrivals: readonly EvaluatedRecord[],
  options: { seed: number; partitions?: number; maxBatch?: number; maxCommitDelayMs?: number; accumulator?: object },
): StampedDelta[] {
  const random = rng(options.seed);
  const { partitions = 3, maxBatch = 40, maxCommitDelayMs = 2000 } = options;
  const byPartition: EvaluatedRecord[][] = Array.from({ length: partitions }, () => []);
  for (const a of arrivals) byPartition[Math.floor(random() * partitions)]?.push(a);
  const stamped: StampedDelta[] = [];
  for (const records of byPartition) {
    const accumulator = new QualityDeltaAccumulator({ ...ORDERS, ...options.accumulator });
    for (let i = 0; i < records.length; ) {
      const batch = records.slice(i, i + 1 + Math.floor(random() * maxBatch));
      i += batch.length;
      for (const r of batch) accumulator.add(r);
      const committedAt = (batch[batch.length - 1] as EvaluatedRecord).now + Math.floor(random() * maxCommitDelayMs);
      for (const delta of accumulator.drain()) stamped.push({ delta, now: committedAt });
    }
  }
  return stamped.sort((a, b) => a.now - b.now);
}

/** A closed 1m window with the given score and rule failure counts, for detector and report tests. */
export function syntheticWindow(options: {
  index: number;
  score: number | null;
  records?: number;
  pipelineId?: string;
  sizeMs?: number;
  rules?: readonly { ruleId: string; records: number; severity?: 'error' | 'warn'; field?: string }[];
}): QualityWindowMetrics {
  const { index, score, pipelineId = 'orders', sizeMs = MINUTE } = options;
  const records = options.records ?? (score === null ? 0 : 100);
  const windowStart = T0 + index * sizeMs;
  const rules: RuleFailureMetrics[] = (options.rules ?? []).map((r) => ({
    ruleId: r.ruleId,
    ruleType: 'range',
    severity: r.severity ?? 'error',
    ...(r.field !== undefined ? { field: r.field } : {}),
    failures: r.records,
    records: r.records,
    failureRate: records === 0 ? 0 : r.records / records,
    samples: [{ ruleId: r.ruleId, recordId: `k${index}` }],
  }));
  const quarantined = rules.filter((r) => r.severity === 'error').reduce((n, r) => n + r.records, 0);
  return {
    pipelineId,
    windowStart,
    windowEnd: windowStart + sizeMs,
    closedBy: 'watermark',
    counts: { records, passed: records - quarantined, warned: 0, quarantined, late: 0, future: 0 },
    completeness: records === 0 ? null : 1,
    validity: records === 0 ? null : (records - quarantined) / records,
    uniqueness: null,
    freshness: null,
    fields: [],
    fieldsTruncated: false,
    rules,
    score,
  };
}
