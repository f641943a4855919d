import { type BrokerLogger, Headers, headersToStrings, silentLogger } from '@tributary/broker';
import type { Kafka } from 'kafkajs';
import { PipelineStateError } from '../errors.js';
import { createTopicReader, decodeForView } from '../topic-reader/index.js';
import { checkViewOptions } from '../view-options.js';
import { resolveMonitoringBounds } from './options.js';
import { createMonitoringState, MONITORING_VIEW_TYPES } from './state.js';
import type { MonitoringView, MonitoringViewOptions } from './types.js';

const WANTED = new Set<string>(Object.values(MONITORING_VIEW_TYPES));

/**
 * The monitoring read model: health, metric series, anomalies, alerts with their history and
 * acknowledgements, silences and the alert rules in force, from the monitoring manager's topics
 * (`<prefix>.monitoring.events` and `.alerts` from the beginning, `.metrics` from
 * `metricsLookbackMs` ago). Heartbeats and anything else not kept are skipped by their `event-type`
 * header without decoding; a message that cannot be decoded is logged and skipped. Every part is
 * bounded (monitoringViewDefaults).
 */
export function createMonitoringView(options: MonitoringViewOptions): MonitoringView {
  checkViewOptions(options, 'monitoring view');
  const bounds = resolveMonitoringBounds(options);
  const { kafka, codec, topicPrefix } = options;
  const now = options.now ?? Date.now;
  const topics = { events: `${topicPrefix}.monitoring.events`, alerts: `${topicPrefix}.monitoring.alerts`, metrics: `${topicPrefix}.monitoring.metrics` };
  const logger = (options.logger ?? silentLogger).child({ component: 'monitoring-view' });
  const state = createMonitoringState(bounds, now);
  let closed = false;

  const reader = createTopicReader({
    kafka,
    topics: [topics.events, topics.alerts, topics.metrics],
    groupPrefix: `${topicPrefix}.monitoring-view`,
    logger,
    async onMessage(message, where) {
      if (!message.value) return;
      const type = headersToStrings(message.headers)[Headers.eventType];
      if (type !== undefined && !WANTED.has(type)) return;
      const decoded = await decodeForView(codec, message.value, { logger, isClosed: () => closed, where: { ...where, offset: message.offset } });
      if (decoded) state.apply(decoded.type, decoded.value);
    },
  });

  return {
    async start() {
      await startMetricsAt(kafka, reader.groupId, topics.metrics, now() - bounds.metricsLookbackMs, logger);
      await reader.start();
    },
    get caughtUp() {
      return reader.caughtUp;
    },
    health: () => state.health(),
    series: (filter, limit) => state.series(filter, limit),
    points: (filter, range, limit) => state.points(filter, range, limit),
    seriesStats: () => state.seriesStats(),
    anomalies: (filter) => state.anomalies(filter),
    alerts: (filter) => state.alerts(filter),
    alertHistory: (filter) => state.alertHistory(filter),
    alert: (alertId) => state.alert(alertId),
    silences: (s) => state.silences(s),
    silence: (silenceId) => state.silence(silenceId),
    alertRules: () => state.alertRules(),
    async close() {
      if (closed) return;
      closed = true;
      await reader.close();
    },
  };
}

/**
 * Commits, for the reader's fresh group, the offsets of the metrics topic at `since`, so the reader
 * starts there instead of at the beginning (its other topics have no committed offset and start at
 * the beginning). A partition with nothing newer starts at its last message, so the reader still
 * reads up to the end it measured at start and knows it caught up.
 */
async function startMetricsAt(kafka: Kafka, groupId: string, topic: string, since: number, logger: BrokerLogger): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const bounds = await admin.fetchTopicOffsets(topic);
    const byTime = new Map((await admin.fetchTopicOffsetsByTimestamp(topic, since)).map((p) => [p.partition, BigInt(p.offset)]));
    const partitions = bounds.flatMap((p) => {
      const low = BigInt(p.low);
      const high = BigInt(p.high);
      const at = byTime.get(p.partition) ?? high;
      if (high <= low || at <= low) return [];
      const offset = at < high ? at : high - 1n;
      return [{ partition: p.partition, offset: offset.toString() }];
    });
    if (partitions.length > 0) await admin.setOffsets({ groupId, topic, partitions });
    logger.debug({ topic, since, partitions }, 'metrics read from the lookback');
  } catch (err) {
    throw new PipelineStateError('TRIB_VIEW_START_FAILED', `Could not position ${topic} at ${new Date(since).toISOString()}: ${(err as Error).message}`, { cause: err });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
