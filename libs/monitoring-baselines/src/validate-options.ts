import type { z } from 'zod';
import { BaselineError, type BaselineErrorCode, type BaselineIssue } from './errors.js';

export function zodIssues(error: z.ZodError): BaselineIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/**
 * Defaults merged with `overrides` (which is not modified), validated once at the boundary. Throws
 * BaselineError with one issue per offending option.
 */
export function resolveOptions<S extends z.ZodType>(
  schema: S,
  defaults: object,
  overrides: object | undefined,
  what: string,
  code: BaselineErrorCode = 'TRIB_BASELINE_OPTIONS_INVALID',
): z.output<S> {
  const result = schema.safeParse({ ...defaults, ...overrides });
  if (!result.success) {
    const issues = zodIssues(result.error);
    throw new BaselineError(code, `invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
  }
  return Object.freeze(result.data) as z.output<S>;
}
