import { controlTopicCatalog } from '@tributary/schemas';

/** Record types the monitoring manager reads and writes (schemas/monitoring/*.avsc). */
export const MonitoringEventNames = {
  metricSnapshot: 'tributary.monitoring.MetricSnapshot',
  heartbeat: 'tributary.monitoring.Heartbeat',
  componentHealthChanged: 'tributary.monitoring.ComponentHealthChanged',
  anomalyDetected: 'tributary.monitoring.MetricAnomalyDetected',
  anomalyResolved: 'tributary.monitoring.MetricAnomalyResolved',
  alertStateChanged: 'tributary.monitoring.AlertStateChanged',
} as const;

export function monitoringTopics(prefix: string) {
  const catalog = controlTopicCatalog({ prefix });
  return {
    /** Metric snapshots and heartbeats of every service (input; and the measured group lag, output). */
    metrics: catalog.monitoringMetrics.name,
    /** Health changes and anomalies. */
    events: catalog.events.monitoring.name,
    /** Alert transitions (the alert history). */
    alerts: catalog.monitoringAlerts.name,
  };
}

/** The monitoring managers' consumer group on `<prefix>.monitoring.metrics`: the services' series split between instances. */
export const monitoringGroupId = (prefix: string) => `${prefix}-monitoring`;
