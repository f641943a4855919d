import { z } from 'zod';
import { resolveOptions } from '../validate-options.js';

/** How rule files are read and checked. */
export interface AlertingConfigOptions {
  /**
   * Destinations webhook and Slack channels may use (see DestinationAllowList for the syntax). A
   * rule file naming any other destination is refused. It comes from the service's configuration,
   * never from the rule file. Default: none, so every webhook and Slack channel is refused.
   */
  readonly allowedDestinations: readonly string[];
  /** Largest rule file read, in bytes. Default 1 MiB. */
  readonly maxFileBytes: number;
  /** Most alert rules in one file. Default 1 000. */
  readonly maxRules: number;
  /** Longest regex in a matcher, in characters. Default 500. */
  readonly maxPatternLength: number;
  /** Largest compiled regex, in RE2 instructions. Default 5 000. */
  readonly maxPatternProgramSize: number;
}

export const alertingConfigDefaults: AlertingConfigOptions = Object.freeze({
  allowedDestinations: Object.freeze([]),
  maxFileBytes: 1024 * 1024,
  maxRules: 1000,
  maxPatternLength: 500,
  maxPatternProgramSize: 5000,
});

/**
 * What a rule file gets for the fields it leaves out. Route timings and `send_resolved` follow
 * Alertmanager's defaults; `absent_window` is Prometheus' staleness period (5m), so a series that
 * reports once a minute is not "absent" between two reports.
 */
export const ruleFileDefaults = Object.freeze({
  for: '0s',
  keep_firing_for: '0s',
  severity: 'warning',
  absent_window: '5m',
  rate_of_change_unit: 'absolute',
  anomaly_direction: 'both',
  route: Object.freeze({ group_by: Object.freeze([]), group_wait: '30s', group_interval: '5m', repeat_interval: '4h' }),
  webhook: Object.freeze({ send_resolved: true, max_alerts: 0 }),
  slack: Object.freeze({ send_resolved: false, max_alerts: 20 }),
  log: Object.freeze({ send_resolved: true, max_alerts: 0, level: 'warn' }),
} as const);

const schema = z.strictObject({
  allowedDestinations: z.array(z.string()).readonly(),
  maxFileBytes: z.number().int().positive(),
  maxRules: z.number().int().positive(),
  maxPatternLength: z.number().int().positive(),
  maxPatternProgramSize: z.number().int().positive(),
});

export type ResolvedAlertingConfigOptions = z.output<typeof schema>;

export function resolveAlertingConfigOptions(options: Partial<AlertingConfigOptions> = {}): ResolvedAlertingConfigOptions {
  return resolveOptions(schema, alertingConfigDefaults, options, 'alerting config options');
}
