import { z } from 'zod';
import { QualityMetricsError } from '../errors.js';
import { zodIssues } from '../validate-options.js';
import { compareText } from './canonical.js';
import { LAG_BUCKET_COUNT, trimTrailingZeros } from './lag-buckets.js';
import type { QualityWindowDelta } from './types.js';

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const time = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);

// z.object, not strictObject: the Avro record around a delta carries more (partition, run, time), dropped here.
const schema = z
  .object({
    pipelineId: z.string().min(1),
    windowStart: time,
    windowEnd: time,
    records: count,
    passed: count,
    warned: count,
    quarantined: count,
    fields: z.array(z.object({ field: z.string().min(1), nonNull: count, failed: count, warned: count })),
    rules: z.array(
      z.object({
        ruleId: z.string().min(1),
        ruleType: z.string(),
        severity: z.enum(['error', 'warn']),
        field: z.string().nullable(),
        failures: count,
        records: count,
        samples: z.array(z.string()),
      }),
    ),
    uniqueness: z.object({ keyed: count, duplicates: count }).nullable(),
    freshness: z
      .object({
        field: z.string().min(1),
        slaMs: count,
        withinSla: count,
        lagSumMs: count,
        lagMaxMs: count,
        lagBuckets: z.array(count).max(LAG_BUCKET_COUNT),
      })
      .nullable(),
  })
  .superRefine((d, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const size = d.windowEnd - d.windowStart;
    if (size <= 0) issue(['windowEnd'], 'must be after windowStart');
    else if (d.windowStart % size !== 0) issue(['windowStart'], 'must be a multiple of the window size');
    if (d.passed + d.warned + d.quarantined !== d.records) issue(['records'], 'must equal passed + warned + quarantined');
    unique(d.fields.map((f) => f.field), ['fields'], issue);
    d.fields.forEach((f, i) => {
      if (Math.max(f.nonNull, f.failed, f.warned) > d.records) issue(['fields', i], 'counts more records than the window has');
    });
    unique(d.rules.map((r) => r.ruleId), ['rules'], issue);
    d.rules.forEach((r, i) => {
      if (r.records > d.records || r.records > r.failures) issue(['rules', i, 'records'], 'must be at most failures and the window records');
    });
    if (d.uniqueness && (d.uniqueness.duplicates > d.uniqueness.keyed || d.uniqueness.keyed > d.records)) {
      issue(['uniqueness'], 'must satisfy duplicates ≤ keyed ≤ records');
    }
    if (d.freshness) {
      const measured = d.freshness.lagBuckets.reduce((sum, n) => sum + n, 0);
      if (measured > d.records || d.freshness.withinSla > measured) issue(['freshness'], 'must satisfy withinSla ≤ Σ lagBuckets ≤ records');
    }
  });

function unique(names: readonly string[], path: string[], issue: (path: (string | number)[], message: string) => void): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) issue(path, `${JSON.stringify(name)} appears twice`);
    seen.add(name);
  }
}

/**
 * A window delta as it came off the wire (e.g. an Avro record decoded to JSON), checked against the
 * shape and invariants this library writes, and returned in canonical form (fields and rules sorted,
 * samples sorted and distinct, trailing zero buckets trimmed; properties it does not know dropped).
 * Throws QualityMetricsError (TRIB_QUALITY_DELTA_INVALID) listing every problem.
 */
export function parseWindowDelta(input: unknown): QualityWindowDelta {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issues = zodIssues(result.error);
    throw new QualityMetricsError(
      'TRIB_QUALITY_DELTA_INVALID',
      `invalid quality window delta: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  const d = result.data;
  return {
    ...d,
    fields: [...d.fields].sort((a, b) => compareText(a.field, b.field)),
    rules: [...d.rules]
      .sort((a, b) => compareText(a.ruleId, b.ruleId))
      .map((r) => ({ ...r, samples: [...new Set(r.samples)].sort(compareText) })),
    freshness: d.freshness ? { ...d.freshness, lagBuckets: trimTrailingZeros([...d.freshness.lagBuckets]) } : null,
  };
}
