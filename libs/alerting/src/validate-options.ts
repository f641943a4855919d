import { z } from 'zod';
import { DURATION_HINT, parseDuration } from './duration.js';
import { type AlertingErrorCode, type AlertingIssue, invalid } from './errors.js';

/** A duration in options: Prometheus text (`30s`, `5m`, `1h30m`) or a number of milliseconds. */
export type Duration = string | number;

export const durationOption = z.union([
  z.number().int().nonnegative(),
  z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is not ${DURATION_HINT}` });
      return z.NEVER;
    }
    return ms;
  }),
]);

export function zodIssues(error: z.ZodError): AlertingIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/**
 * Defaults merged with `overrides` (which is not modified), validated once at the boundary. Throws
 * AlertingError with one issue per offending option.
 */
export function resolveOptions<S extends z.ZodType>(
  schema: S,
  defaults: object,
  overrides: object | undefined,
  what: string,
  code: AlertingErrorCode = 'TRIB_ALERT_OPTIONS_INVALID',
): z.output<S> {
  const result = schema.safeParse({ ...defaults, ...overrides });
  if (!result.success) throw invalid(code, what, zodIssues(result.error));
  return Object.freeze(result.data) as z.output<S>;
}
