import { Registry } from 'prom-client';
import { z } from 'zod';

/**
 * Node process series that `/metrics` keeps but snapshots leave out: per-heap-space sizes, event-loop
 * percentiles other than p99, version info, handle counts, fds, virtual memory. What monitoring needs
 * of the process — CPU, RSS, heap used/total, event-loop lag and its p99 — is reported.
 */
const NOT_REPORTED = /^tributary_(nodejs_(heap_space_|version_info|active_|external_memory|eventloop_lag_(min|max|mean|stddev|p50|p90)_)|process_(start_time|virtual_memory|heap_bytes|open_fds|max_fds))/;

/** Defaults of `createMetricsReporter`. */
export const metricsReportingDefaults = {
  /** How often a snapshot of every series (and a heartbeat) is sent. 0 turns reporting off. */
  intervalMs: 15_000,
  /** Which metrics a snapshot carries: every one but the noisy process series above. */
  include: (metric: string): boolean => !NOT_REPORTED.test(metric),
} as const;

export const metricsReporterOptionsSchema = z.object({
  registry: z.custom<Registry>((v) => v instanceof Registry, 'expected a prom-client Registry'),
  service: z.string().trim().min(1, 'a service name is required'),
  /** Instance of the service (host:pid or pod name). */
  instance: z.string().trim().min(1, 'an instance name is required'),
  version: z.string().nullable().default(null),
  intervalMs: z.number().int().min(0).default(metricsReportingDefaults.intervalMs),
  include: z.custom<(metric: string) => boolean>((v) => typeof v === 'function', 'expected a function').default(() => metricsReportingDefaults.include),
  /** Whether the instance's dependencies are reachable now (its /readyz answer), for the heartbeat. */
  ready: z.custom<() => boolean | Promise<boolean>>((v) => typeof v === 'function', 'expected a function').default(() => () => true),
  clock: z.custom<() => number>((v) => typeof v === 'function', 'expected a function').default(() => Date.now),
});

export type MetricsReporterOptions = z.input<typeof metricsReporterOptionsSchema>;
