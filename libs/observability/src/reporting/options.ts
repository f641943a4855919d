import { Registry } from 'prom-client';
import { z } from 'zod';

/** Defaults of `createMetricsReporter`. */
export const metricsReportingDefaults = {
  /** How often a snapshot of every series (and a heartbeat) is sent. 0 turns reporting off. */
  intervalMs: 15_000,
} as const;

export const metricsReporterOptionsSchema = z.object({
  registry: z.custom<Registry>((v) => v instanceof Registry, 'expected a prom-client Registry'),
  service: z.string().trim().min(1, 'a service name is required'),
  /** Instance of the service (host:pid or pod name). */
  instance: z.string().trim().min(1, 'an instance name is required'),
  version: z.string().nullable().default(null),
  intervalMs: z.number().int().min(0).default(metricsReportingDefaults.intervalMs),
  /** Whether the instance's dependencies are reachable now (its /readyz answer), for the heartbeat. */
  ready: z.custom<() => boolean | Promise<boolean>>((v) => typeof v === 'function', 'expected a function').default(() => () => true),
  clock: z.custom<() => number>((v) => typeof v === 'function', 'expected a function').default(() => Date.now),
});

export type MetricsReporterOptions = z.input<typeof metricsReporterOptionsSchema>;
