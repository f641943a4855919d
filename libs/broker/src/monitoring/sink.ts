import { controlTopicCatalog, createEventCodec, type Heartbeat, type MetricSnapshot, type SchemaRegistryPort, untypedCodec } from '@tributary/schemas';
import type { Kafka } from 'kafkajs';
import type { BrokerLogger } from '../logger.js';
import { createPublisher } from '../publisher/index.js';
import { type MetricBatchBounds, metricBatchesOf } from './batches.js';

export const MonitoringEventNames = {
  /** What Tributary writes: a report's samples, a few hundred a record. */
  metricBatch: 'tributary.monitoring.MetricBatch',
  /** One sample a record: written before MetricBatch, still read (history is replayed). */
  metricSnapshot: 'tributary.monitoring.MetricSnapshot',
  heartbeat: 'tributary.monitoring.Heartbeat',
} as const;

export interface MonitoringSinkDeps {
  kafka: Kafka;
  registry: SchemaRegistryPort;
  topicPrefix: string;
  logger: BrokerLogger;
  /** How large a MetricBatch record may grow (defaults: `metricBatchDefaults`, 500 samples, 256 KiB). */
  batch?: MetricBatchBounds;
}

/** Where a service's metric samples and heartbeats go: `<prefix>.monitoring.metrics`. */
export interface MonitoringSink {
  /** One report's samples, sent as MetricBatch records (see `metricBatchesOf`). */
  metrics(samples: readonly MetricSnapshot[]): Promise<void>;
  heartbeat(beat: Heartbeat): Promise<void>;
  close(): Promise<void>;
}

/**
 * Publishes MetricBatch and Heartbeat events to `<prefix>.monitoring.metrics`, keyed by service
 * (so one service's series stay in one partition, in order): a report's samples go in as few bounded
 * records as fit, not one record per sample, so a reader pays Kafka's and Avro's per-record cost once
 * per few hundred samples (as Prometheus remote-write and OTLP batch theirs). A publisher of its own: its
 * messages are not counted in the service's messaging metrics, and a slow or absent broker delays
 * only monitoring.
 */
export function createMonitoringSink(deps: MonitoringSinkDeps): MonitoringSink {
  const topic = controlTopicCatalog({ prefix: deps.topicPrefix }).monitoringMetrics.name;
  const codec = untypedCodec(createEventCodec({ registry: deps.registry }));
  const publisher = createPublisher({ kafka: deps.kafka, codec, logger: deps.logger.child({ component: 'monitoring-sink' }) });
  return {
    async metrics(samples) {
      await Promise.all(metricBatchesOf(samples, deps.batch).map((b) => publisher.publish(topic, MonitoringEventNames.metricBatch, b, { key: b.service })));
    },
    async heartbeat(beat) {
      await publisher.publish(topic, MonitoringEventNames.heartbeat, beat, { key: beat.service });
    },
    async close() {
      await publisher.close();
      await codec.close();
    },
  };
}
