import { controlTopicCatalog, createEventCodec, type Heartbeat, type MetricSnapshot, type SchemaRegistryPort, untypedCodec } from '@tributary/schemas';
import type { Kafka } from 'kafkajs';
import type { BrokerLogger } from '../logger.js';
import { createPublisher } from '../publisher/index.js';

export const MonitoringEventNames = {
  metricSnapshot: 'tributary.monitoring.MetricSnapshot',
  heartbeat: 'tributary.monitoring.Heartbeat',
} as const;

export interface MonitoringSinkDeps {
  kafka: Kafka;
  registry: SchemaRegistryPort;
  topicPrefix: string;
  logger: BrokerLogger;
}

/** Where a service's metric snapshots and heartbeats go: `<prefix>.monitoring.metrics`. */
export interface MonitoringSink {
  metrics(samples: readonly MetricSnapshot[]): Promise<void>;
  heartbeat(beat: Heartbeat): Promise<void>;
  close(): Promise<void>;
}

/**
 * Publishes MetricSnapshot and Heartbeat events to `<prefix>.monitoring.metrics`, keyed by service
 * (so one service's series stay in one partition, in order), with a publisher of its own: its
 * messages are not counted in the service's messaging metrics, and a slow or absent broker delays
 * only monitoring.
 */
export function createMonitoringSink(deps: MonitoringSinkDeps): MonitoringSink {
  const topic = controlTopicCatalog({ prefix: deps.topicPrefix }).monitoringMetrics.name;
  const codec = untypedCodec(createEventCodec({ registry: deps.registry }));
  const publisher = createPublisher({ kafka: deps.kafka, codec, logger: deps.logger.child({ component: 'monitoring-sink' }) });
  return {
    async metrics(samples) {
      await Promise.all(samples.map((s) => publisher.publish(topic, MonitoringEventNames.metricSnapshot, s, { key: s.service })));
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
