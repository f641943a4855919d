import { parseWindow } from '@tributary/pipelines';
import { z } from 'zod';
import { QualityMetricsError, type QualityMetricsErrorCode, type QualityMetricsIssue } from './errors.js';

/**
 * A duration as pipeline definitions write it (`500ms`, `30s`, `10m`, `2h`, `1d`) or a number of
 * milliseconds, resolved to milliseconds. Definitions and options read the same way.
 */
export const durationSchema = z.union([
  z.number().int().nonnegative(),
  z.string().transform((text, ctx) => {
    const ms = parseWindow(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is not a duration like 500ms, 30s, 10m, 2h or 1d` });
      return z.NEVER;
    }
    return ms;
  }),
]);

/** A duration given as text or ms. */
export type Duration = string | number;

export function zodIssues(error: z.ZodError): QualityMetricsIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/**
 * Defaults merged with `overrides` (which is not modified), validated once at the boundary. Throws
 * QualityMetricsError with one issue per offending option.
 */
export function resolveOptions<S extends z.ZodType>(
  schema: S,
  defaults: object,
  overrides: object | undefined,
  what: string,
  code: QualityMetricsErrorCode = 'TRIB_QUALITY_OPTIONS_INVALID',
): z.output<S> {
  const result = schema.safeParse({ ...defaults, ...overrides });
  if (!result.success) {
    const issues = zodIssues(result.error);
    throw new QualityMetricsError(code, `invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  return Object.freeze(result.data) as z.output<S>;
}
