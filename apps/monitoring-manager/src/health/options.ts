import { z } from 'zod';

/** Defaults of the health board. */
export const healthDefaults = Object.freeze({
  /** An instance with no heartbeat for this long is DOWN. Default 45 s: three missed beats at the default 15 s interval. */
  heartbeatTimeoutMs: 45_000,
  /** A DOWN instance is forgotten after this long (a restart on another host or pid never comes back). Default 1 h. */
  forgetAfterMs: 3_600_000,
});

export const healthOptionsSchema = z.strictObject({
  heartbeatTimeoutMs: z.number().int().min(1),
  forgetAfterMs: z.number().int().min(1),
});

export type HealthOptions = z.infer<typeof healthOptionsSchema>;
