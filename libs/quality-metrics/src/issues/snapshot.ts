import { z } from 'zod';
import { QualityMetricsError } from '../errors.js';
import { zodIssues } from '../validate-options.js';
import type { QualityIssueSnapshot } from './types.js';

const time = z.number().finite();
const severity = z.enum(['error', 'warn']);

const sample = z.strictObject({ ruleId: z.string(), recordId: z.string() });

const issue = z.strictObject({
  id: z.string().min(1),
  pipelineId: z.string().min(1),
  signal: z.string().min(1),
  kind: z.enum(['score', 'rule', 'expectation']),
  ruleId: z.string().optional(),
  expectationId: z.string().optional(),
  reason: z.enum(['threshold', 'anomaly']),
  severity,
  status: z.literal('open'),
  summary: z.string(),
  openedWindowStart: time,
  openedWindowEnd: time,
  evidence: z.strictObject({
    windowStart: time,
    windowEnd: time,
    metric: z.string(),
    observedValue: z.number(),
    threshold: z.strictObject({ min: z.number().optional(), max: z.number().optional() }),
    baseline: z.strictObject({ mean: z.number(), stdDev: z.number(), windows: z.number().int() }).optional(),
    samples: z.array(sample),
  }),
  badWindows: z.number().int().min(1),
  lastBadWindowEnd: time,
  worstValue: z.number(),
});

const schema = z.strictObject({
  version: z.literal(1),
  pipelines: z.array(
    z.strictObject({
      pipelineId: z.string().min(1),
      lastWindowStarts: z.array(z.strictObject({ windowSizeMs: z.number().int().positive(), windowStart: time })),
      signals: z.array(
        z.strictObject({
          signal: z.string().min(1),
          history: z.array(z.number().finite()),
          goodStreak: z.number().int().nonnegative(),
          open: issue.optional(),
          pending: z.strictObject({ issue, values: z.array(z.number().finite()).min(1) }).optional(),
        }),
      ),
    }),
  ),
});

/** A stored detector snapshot, checked against the shape `snapshot()` writes (version 1). */
export function parseIssueSnapshot(input: unknown): QualityIssueSnapshot {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issues = zodIssues(result.error);
    throw new QualityMetricsError(
      'TRIB_QUALITY_SNAPSHOT_INVALID',
      `invalid quality issue snapshot: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return result.data;
}
