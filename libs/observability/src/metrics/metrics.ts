import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ObservabilityError } from '../errors.js';
import { parseOptions } from '../parse-options.js';
import { metricNames, metricsDefaults, metricsOptionsSchema } from './options.js';
import type { LagLabel, MessageLabel, MetricsOptions, TributaryMetrics } from './types.js';

const messageLabels: MessageLabel[] = ['topic', 'event_type'];

/**
 * Tributary's standard messaging metrics in a registry of their own. prom-client's default metrics
 * run on scrape (no timers); their event-loop monitor has no off switch, which is why `close()` has
 * no interval to clear.
 */
export function createMetrics(options: MetricsOptions): TributaryMetrics {
  const o = parseOptions(metricsOptionsSchema, options, 'createMetrics');
  const owned = o.registry === undefined;
  const registry = o.registry ?? new Registry();
  // Remember what was there, so close() on a shared registry removes only what we added.
  const before = new Set(registry.getMetricsAsArray().map((m) => m.name));
  const registers = [registry];

  const counter = (name: string, help: string) => new Counter({ name, help, labelNames: messageLabels, registers });
  let metrics: Omit<TributaryMetrics, 'render' | 'close' | 'service' | 'registry' | 'contentType'>;
  try {
    metrics = {
      published: counter(metricNames.published, 'Messages published and acknowledged by the broker.'),
      consumed: counter(metricNames.consumed, 'Messages handled successfully.'),
      failed: counter(metricNames.failed, 'Handler attempts that failed, retries included.'),
      deadLettered: counter(metricNames.deadLettered, 'Messages sent to a dead-letter topic.'),
      handlerDuration: new Histogram<MessageLabel>({
        name: metricNames.handlerDuration,
        help: 'Time a handler took per message, in seconds.',
        labelNames: messageLabels,
        buckets: o.handlerDurationBuckets,
        registers,
      }),
      consumerLag: new Gauge<LagLabel>({
        name: metricNames.consumerLag,
        help: 'Messages between the committed offset and the high watermark, per partition.',
        labelNames: ['group', 'topic', 'partition'],
        registers,
      }),
    };
    if (o.collectDefaultMetrics) {
      collectDefaultMetrics({ register: registry, prefix: metricsDefaults.defaultMetricsPrefix });
    }
  } catch (error) {
    removeAdded(registry, before);
    throw new ObservabilityError(
      'TRIB_OBSERVABILITY_METRIC_CONFLICT',
      `createMetrics(${o.service}): ${error instanceof Error ? error.message : String(error)} ` +
        'Pass a registry per service, or none to get a registry of its own.',
      [],
      { cause: error },
    );
  }
  // A caller's registry keeps the default labels its owner chose; ours says which service it is.
  if (owned) registry.setDefaultLabels({ service: o.service });

  let closed = false;
  return {
    service: o.service,
    registry,
    contentType: registry.contentType,
    ...metrics,
    render: () => registry.metrics(),
    close() {
      if (!closed) {
        closed = true;
        if (owned) registry.clear();
        else removeAdded(registry, before);
      }
      return Promise.resolve();
    },
  };
}

function removeAdded(registry: Registry, before: ReadonlySet<string>): void {
  for (const { name } of registry.getMetricsAsArray()) {
    if (!before.has(name)) registry.removeSingleMetric(name);
  }
}
