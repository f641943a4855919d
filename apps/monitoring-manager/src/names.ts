import { MonitoringEventNames as SinkEventNames } from '@tributary/broker';
import { controlTopicCatalog } from '@tributary/schemas';

/** Record types the monitoring manager reads and writes (schemas/monitoring/*.avsc). */
export const MonitoringEventNames = {
  // What services write (libs/broker's monitoring sink; the lag measured here too): MetricBatch,
  // the older MetricSnapshot (still read: history is replayed), Heartbeat.
  ...SinkEventNames,
  componentHealthChanged: 'tributary.monitoring.ComponentHealthChanged',
  anomalyDetected: 'tributary.monitoring.MetricAnomalyDetected',
  anomalyResolved: 'tributary.monitoring.MetricAnomalyResolved',
  alertStateChanged: 'tributary.monitoring.AlertStateChanged',
  acknowledgeAlert: 'tributary.monitoring.AcknowledgeAlert',
  createSilence: 'tributary.monitoring.CreateSilence',
  expireSilence: 'tributary.monitoring.ExpireSilence',
  putAlertRules: 'tributary.monitoring.PutAlertRules',
  alertAcknowledged: 'tributary.monitoring.AlertAcknowledged',
  silenceCreated: 'tributary.monitoring.SilenceCreated',
  silenceExpired: 'tributary.monitoring.SilenceExpired',
  alertRulesChanged: 'tributary.monitoring.AlertRulesChanged',
  commandRejected: 'tributary.monitoring.MonitoringCommandRejected',
} as const;

/** Key of the alert rule file's commands and events: one subject, one partition, in order. */
export const ALERT_RULES_KEY = 'alert-rules';

export function monitoringTopics(prefix: string) {
  const catalog = controlTopicCatalog({ prefix });
  return {
    /** Metric samples (MetricBatch, older MetricSnapshot) and heartbeats of every service (input; and the measured group lag, output). */
    metrics: catalog.monitoringMetrics.name,
    /** Health changes and anomalies. */
    events: catalog.events.monitoring.name,
    /** Alert transitions (the alert history). */
    alerts: catalog.monitoringAlerts.name,
    /** Acknowledgements, silences and alert rule files, with their priority bands. */
    commands: catalog.commands.monitoring.name,
    commandBands: catalog.commands.monitoring.priorityBands,
  };
}

/** The monitoring managers' consumer group on `<prefix>.monitoring.metrics`: the services' series split between instances. */
export const monitoringGroupId = (prefix: string) => `${prefix}-monitoring`;

/** Their group on `<prefix>.monitoring.commands`: each command is judged by one instance. */
export const monitoringCommandsGroupId = (prefix: string) => `${prefix}-monitoring-commands`;
