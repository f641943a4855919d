import { PipelineStateError } from '../errors.js';
import type { MonitoringViewOptions } from './types.js';

const HOUR = 3_600_000;

/** Bounds and clock of the monitoring read model (see MonitoringViewOptions for what each means). */
export const monitoringViewDefaults = Object.freeze({
  maxSeries: 2_000,
  maxPointsPerSeries: 720,
  metricsLookbackMs: 3 * HOUR,
  maxAlerts: 10_000,
  maxAlertHistory: 10_000,
  maxAnomalies: 5_000,
  maxSilences: 10_000,
  expiredSilenceRetentionMs: 120 * HOUR,
  forgetDownAfterMs: HOUR,
  maxHealthEntries: 10_000,
});

export type MonitoringBounds = { -readonly [K in keyof typeof monitoringViewDefaults]: number };

/** The bounds with their defaults; TRIB_VIEW_OPTIONS_INVALID naming every bad one. The caller's object is not modified. */
export function resolveMonitoringBounds(options: Partial<Pick<MonitoringViewOptions, keyof MonitoringBounds>>): MonitoringBounds {
  const resolved = { ...monitoringViewDefaults } as MonitoringBounds;
  const problems: string[] = [];
  for (const name of Object.keys(monitoringViewDefaults) as (keyof MonitoringBounds)[]) {
    const value = options[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) problems.push(`${name}: must be a positive integer, got ${JSON.stringify(value)}`);
    else resolved[name] = value;
  }
  if (problems.length > 0) throw new PipelineStateError('TRIB_VIEW_OPTIONS_INVALID', `Invalid monitoring view options: ${problems.join('; ')}`);
  return resolved;
}
