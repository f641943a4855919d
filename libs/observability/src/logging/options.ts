import { z } from 'zod';
import type { LogLevel } from './types.js';

/** Defaults of `createLogger`, in one place. */
export const loggingDefaults = {
  /** Lowest level written. */
  level: 'info',
  /**
   * Paths whose values are replaced by `censor` (pino redact syntax; `*` matches one level).
   * Top-level names are listed as well because `*.password` does not match a top-level `password`.
   */
  redactPaths: [
    'authorization',
    'headers.authorization',
    '*.headers.authorization',
    'password',
    '*.password',
    'apiKey',
    '*.apiKey',
    'secret',
    '*.secret',
    'token',
    '*.token',
  ],
  /** What a redacted value reads as. */
  censor: '[REDACTED]',
} as const satisfies { level: LogLevel; redactPaths: readonly string[]; censor: string };

const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const loggerOptionsSchema = z.object({
  service: z.string().trim().min(1, 'a service name is required'),
  level: z.enum(levels).default(loggingDefaults.level),
  destination: z
    .custom<{ write(line: string): unknown }>(
      (v) => typeof v === 'object' && v !== null && typeof (v as { write?: unknown }).write === 'function',
      'expected a stream with write(line)',
    )
    .optional(),
  redactPaths: z.array(z.string().min(1)).readonly().default([]),
});
