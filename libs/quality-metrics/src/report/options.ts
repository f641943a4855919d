import { z } from 'zod';
import { resolveOptions } from '../validate-options.js';

export interface QualityReportOptions {
  /** Rules listed under "top failing rules". Default 10. */
  readonly topRules: number;
}

export const qualityReportDefaults: QualityReportOptions = Object.freeze({ topRules: 10 });

const schema = z
  .strictObject({
    pipelineId: z.string().min(1),
    from: z.number().finite(),
    to: z.number().finite(),
    topRules: z.number().int().nonnegative(),
  })
  .refine((r) => r.from <= r.to, { message: 'must not be after to', path: ['from'] });

/** The range and options of a report, validated. */
export function resolveReportRange(input: {
  readonly pipelineId: string;
  readonly from: number;
  readonly to: number;
  readonly topRules?: number;
}): z.output<typeof schema> {
  const { pipelineId, from, to, topRules } = input;
  return resolveOptions(schema, qualityReportDefaults, { pipelineId, from, to, ...(topRules !== undefined ? { topRules } : {}) }, 'quality report input');
}
