import { parseWindow } from '@tributary/pipelines';
import { z } from 'zod';
import { QualityMetricsError } from '../errors.js';
import { zodIssues } from '../validate-options.js';
import type { WindowExpectation } from './types.js';

const id = z.string().min(1).max(200);
const window = z.string().refine((text) => (parseWindow(text) ?? 0) > 0, 'must be a duration like 30s, 1m, 1h or 1d');
const ratio = z.number().min(0).max(1);
const count = z.number().nonnegative();

// Loose objects: a rule definition may carry more (description, severity) than this library reads.
const schema = z.array(
  z.discriminatedUnion('type', [
    z
      .looseObject({ id, type: z.literal('volume'), window, min: count.optional(), max: count.optional() })
      .refine((e) => e.min !== undefined || e.max !== undefined, 'a volume expectation needs min, max or both')
      .refine((e) => e.min === undefined || e.max === undefined || e.min <= e.max, 'min must not exceed max'),
    z.looseObject({ id, type: z.literal('completeness'), field: z.string().min(1), window, min: ratio }),
    z.looseObject({ id, type: z.literal('validity'), window, min: ratio, field: z.string().min(1).optional() }),
  ]),
);

/**
 * Validates declared window expectations once, at the boundary. Throws QualityMetricsError
 * (TRIB_QUALITY_EXPECTATION_INVALID) naming every offending entry. Returns copies holding only the
 * properties this library reads.
 */
export function parseWindowExpectations(input: unknown): WindowExpectation[] {
  const result = schema.safeParse(input);
  const issues = result.success ? [] : zodIssues(result.error);
  if (result.success) {
    const seen = new Set<string>();
    result.data.forEach((e, i) => {
      if (seen.has(e.id)) issues.push({ path: `${i}.id`, message: `duplicate expectation id ${JSON.stringify(e.id)}` });
      seen.add(e.id);
    });
  }
  if (!result.success || issues.length > 0) {
    throw new QualityMetricsError(
      'TRIB_QUALITY_EXPECTATION_INVALID',
      `invalid window expectations: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return result.data.map((e): WindowExpectation => {
    switch (e.type) {
      case 'volume':
        return {
          id: e.id,
          type: e.type,
          window: e.window,
          ...(e.min !== undefined ? { min: e.min } : {}),
          ...(e.max !== undefined ? { max: e.max } : {}),
        };
      case 'completeness':
        return { id: e.id, type: e.type, field: e.field, window: e.window, min: e.min };
      case 'validity':
        return { id: e.id, type: e.type, window: e.window, min: e.min, ...(e.field !== undefined ? { field: e.field } : {}) };
    }
  });
}
