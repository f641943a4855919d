import { z } from 'zod';
import { healthDefaults } from './health/options.js';

/** Behaviour of a monitoring manager instance. Defaults in {@link monitoringManagerDefaults}. */
export interface MonitoringManagerOptions {
  /** How often health is judged, baselines are written to Redis and alerts are evaluated. Default 5 s. */
  tickMs: number;
  /** An instance with no heartbeat for this long is DOWN. Default 45 s (three beats at the default interval). */
  heartbeatTimeoutMs: number;
  /** A DOWN instance is forgotten after this long. Default 1 h. */
  forgetAfterMs: number;
  /** How often consumer-group lag is measured from Kafka (by the instance holding partition 0). Default 15 s. */
  lagIntervalMs: number;
  /** Consumer group session timeout. Default 30 s. */
  sessionTimeoutMs: number;
}

export const monitoringManagerDefaults: Readonly<MonitoringManagerOptions> = Object.freeze({
  tickMs: 5_000,
  heartbeatTimeoutMs: healthDefaults.heartbeatTimeoutMs,
  forgetAfterMs: healthDefaults.forgetAfterMs,
  lagIntervalMs: 15_000,
  sessionTimeoutMs: 30_000,
});

const positive = z.number().int().min(1);
const schema = z.strictObject({ tickMs: positive, heartbeatTimeoutMs: positive, forgetAfterMs: positive, lagIntervalMs: positive, sessionTimeoutMs: positive });

export class MonitoringManagerConfigError extends Error {
  readonly code = 'TRIB_MONITORING_OPTIONS_INVALID';
  readonly retriable = false;
  constructor(
    message: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'MonitoringManagerConfigError';
  }
}

export function resolveMonitoringManagerOptions(overrides: Partial<MonitoringManagerOptions> = {}): Readonly<MonitoringManagerOptions> {
  const parsed = schema.safeParse({ ...monitoringManagerDefaults, ...overrides });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new MonitoringManagerConfigError(`Invalid monitoring manager options: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  return Object.freeze(parsed.data);
}
