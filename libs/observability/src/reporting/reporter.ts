import { parseOptions } from '../parse-options.js';
import { metricsReporterOptionsSchema, type MetricsReporterOptions } from './options.js';
import { samplesOf } from './snapshot.js';
import type { MetricSampleSink, MetricsReporter } from './types.js';

/**
 * Sends a snapshot of every series of a prom-client registry, and a heartbeat, every `intervalMs`:
 * the registry already aggregates in process (counters add up, histograms bucket), so an interval
 * costs one sample per series, whatever the traffic. A snapshot that cannot be sent (Kafka down) is
 * dropped, not queued: the next one carries the same totals. `/metrics` keeps working either way.
 */
export function createMetricsReporter(options: MetricsReporterOptions, sink: MetricSampleSink, onError: (err: unknown) => void): MetricsReporter {
  const o = parseOptions(metricsReporterOptionsSchema, options, 'createMetricsReporter');
  const who = { service: o.service, instance: o.instance };
  const startedAt = o.clock();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  async function report(): Promise<void> {
    const now = o.clock();
    const samples = samplesOf((await o.registry.getMetricsAsJSON()).filter((m) => o.include(m.name)), who, now);
    const ready = await Promise.resolve(o.ready()).catch(() => false);
    await Promise.all([sink.metrics(samples), sink.heartbeat({ ...who, version: o.version, ready, startedAt, sentAt: now })]);
  }

  function tick(): void {
    // One report at a time: a slow broker makes reports skip, not pile up.
    if (running || closed) return;
    running = report()
      .catch(onError)
      .finally(() => (running = undefined));
  }

  if (o.intervalMs > 0) {
    timer = setInterval(tick, o.intervalMs);
    timer.unref();
  }

  return {
    report,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await running;
      if (o.intervalMs > 0) await report().catch(onError);
    },
  };
}
