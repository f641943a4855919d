import type { z } from 'zod';
import { ObservabilityError } from './errors.js';

/**
 * Validates a factory's options once, at the boundary. Zod returns a fresh object, so the caller's
 * options are never mutated; references (streams, registries, exporters) are kept as they are.
 */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, factory: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ option: i.path.join('.') || '(options)', message: i.message }));
  const summary = issues.map((i) => `${i.option}: ${i.message}`).join('; ');
  throw new ObservabilityError('TRIB_OBSERVABILITY_OPTIONS_INVALID', `Invalid ${factory} options: ${summary}`, issues, {
    cause: parsed.error,
  });
}
