import type { Publisher } from '@tributary/broker';
import type { BaselineStore } from '@tributary/monitoring-baselines';
import type { MonitoringQueries } from '@tributary/pipeline-state';
import type { ApiKeyRing } from '../auth/api-keys.js';
import type { ReachabilityProbe } from '../health/probes.js';

/**
 * What the monitoring routes read: the monitoring read model (main.ts passes @tributary/pipeline-state's
 * createMonitoringView; tests an in-memory state).
 */
export type MonitoringPort = MonitoringQueries;

/**
 * The monitoring manager's baselines cache in Redis, read only: a `BaselineStore` of
 * @tributary/monitoring-baselines on the manager's key prefix (`<topicPrefix>:monitoring`). Nothing
 * here writes: `loadServices` (which prunes indexes) is deliberately not part of it.
 */
export type BaselinesPort = Pick<BaselineStore, 'listServices' | 'listSeries' | 'load'>;

export interface MonitoringRouteDeps {
  prefix: string;
  apiKeys: ApiKeyRing;
  monitoring: MonitoringPort;
  baselines: BaselinesPort;
  publisher: Pick<Publisher, 'publish'>;
  kafkaProbe: ReachabilityProbe;
  /** `<prefix>.monitoring.commands`. */
  commandsTopic: string;
  /** `MONITORING_ALERT_DESTINATIONS`: what webhook and Slack receivers of a rule file may reach (the manager's list). */
  alertDestinations: readonly string[];
  /** Largest alert rule file accepted. */
  alertRulesMaxBytes: number;
  retryAfterSeconds: number;
  /** Default `Date.now`. */
  now?: () => number;
}
