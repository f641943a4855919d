import { z } from 'zod';
import { type RetryPolicy, retryDefaults } from '../retry.js';
import { type Duration, durationOption, resolveOptions } from '../validate-options.js';
import type { AlertingLogger } from './types.js';

export interface AlertNotifierOptions {
  /**
   * Destinations requests may go to (DestinationAllowList syntax), checked before every request,
   * whatever the rule file says. Default: none, so every webhook and Slack delivery is refused.
   */
  readonly allowedDestinations: readonly string[];
  /** Time allowed for one request, response included. Default `10s`. */
  readonly timeout: Duration;
  /** Retries on network errors, timeouts, 5xx, 408 and 429 (never on other 4xx). Default `retryDefaults`. */
  readonly retry: Partial<RetryPolicy>;
  /** Link back to Tributary in webhook bodies (`externalURL`, `generatorURL`). Default `''`. */
  readonly externalUrl: string;
  /** Where log channels write and deliveries are reported. Default: nowhere. */
  readonly logger: AlertingLogger | undefined;
  /** The HTTP client. Default: Node's global fetch. */
  readonly fetch: typeof fetch;
  /** Waits between retries. Default: a timer that ends early when the notifier closes. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Source of the jitter, in [0, 1). Default `Math.random`. */
  readonly random: () => number;
}

export const alertNotifierDefaults: Omit<AlertNotifierOptions, 'fetch' | 'sleep'> = Object.freeze({
  allowedDestinations: Object.freeze([]),
  timeout: '10s',
  retry: retryDefaults,
  externalUrl: '',
  logger: undefined,
  random: Math.random,
});

const isFunction = (v: unknown) => typeof v === 'function';
const isLogger = (v: unknown) =>
  typeof v === 'object' && v !== null && ['debug', 'info', 'warn', 'error'].every((m) => isFunction((v as Record<string, unknown>)[m]));

const schema = z.strictObject({
  allowedDestinations: z.array(z.string()).readonly(),
  timeout: durationOption.refine((ms) => ms > 0, 'must be longer than 0'),
  retry: z.strictObject({
    retries: z.number().int().nonnegative(),
    initialDelayMs: z.number().nonnegative(),
    maxDelayMs: z.number().nonnegative(),
    multiplier: z.number().min(1),
    jitter: z.number().min(0).max(1),
  }),
  externalUrl: z.string(),
  logger: z.custom<AlertingLogger>(isLogger, 'must have debug, info, warn and error methods').optional(),
  fetch: z.custom<typeof fetch>(isFunction, 'must be a function'),
  sleep: z.custom<(ms: number, signal?: AbortSignal) => Promise<void>>(isFunction, 'must be a function'),
  random: z.custom<() => number>(isFunction, 'must be a function'),
});

export type ResolvedAlertNotifierOptions = z.output<typeof schema>;

export function resolveAlertNotifierOptions(
  options: Partial<AlertNotifierOptions>,
  edges: { fetch: typeof fetch; sleep: AlertNotifierOptions['sleep'] },
): ResolvedAlertNotifierOptions {
  const merged = { ...alertNotifierDefaults, ...edges, ...options, retry: { ...retryDefaults, ...options.retry } };
  return resolveOptions(schema, merged, undefined, 'alert notifier options');
}
