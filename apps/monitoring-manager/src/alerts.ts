import type { BrokerLogger, Publisher } from '@tributary/broker';
import { AlertEvaluator, type AlertingConfig, AlertNotifier, NotificationDispatcher } from '@tributary/alerting';
import type { AnomalyTransition } from '@tributary/monitoring-baselines';
import type { Heartbeat, MetricSnapshot } from '@tributary/schemas';
import { MonitoringEventNames } from './names.js';

/** What a metric sample gives the alert rules (a MetricSnapshot, or a MetricBatch's sample with its batch's service, instance and time). */
export type AlertSample = Pick<MetricSnapshot, 'service' | 'instance' | 'metric' | 'labels' | 'value' | 'observedAt'>;

/** The series a heartbeat becomes for the alert rules: 1 when ready, 0 when not; its absence is a service gone. */
export const HEARTBEAT_METRIC = 'tributary_heartbeat';

export interface AlertingDeps {
  config: AlertingConfig;
  /** Origins webhook and Slack channels may reach (the service's configuration, never the rule file). */
  allowedDestinations: readonly string[];
  publisher: Pick<Publisher, 'publish'>;
  /** `<prefix>.monitoring.alerts`. */
  alertsTopic: string;
  logger: BrokerLogger;
}

/**
 * Alert rules over what the monitoring manager sees (docs/alerting.md): metric samples and
 * heartbeats as samples, anomalies as signals. Each tick evaluates them, publishes every transition to
 * `<prefix>.monitoring.alerts` (the alert history, keyed by alert id) and hands it to the dispatcher,
 * whose notifications go out through the allowed channels, retried with backoff, one delivery round
 * at a time.
 */
export function createAlerting(deps: AlertingDeps) {
  const logger = deps.logger.child({ component: 'alerting' });
  const evaluator = new AlertEvaluator(deps.config.rules);
  const dispatcher = new NotificationDispatcher(deps.config);
  const notifier = new AlertNotifier({ allowedDestinations: deps.allowedDestinations, logger });
  let delivering: Promise<void> | undefined;

  return {
    dispatcher,
    evaluator,

    // Each feeder asks the evaluator whether a rule reads the metric before building the sample: most
    // snapshots are of metrics no rule reads, and observe() would only copy and check their labels to
    // drop them (several µs a snapshot on the consumer's path).
    snapshot(s: AlertSample): void {
      if (!evaluator.readsSamples(s.metric)) return;
      evaluator.observe({ metric: s.metric, labels: { ...s.labels, service: s.service, instance: s.instance }, value: s.value, time: s.observedAt });
    },

    heartbeat(b: Heartbeat): void {
      if (!evaluator.readsSamples(HEARTBEAT_METRIC)) return;
      evaluator.observe({ metric: HEARTBEAT_METRIC, labels: { service: b.service, instance: b.instance }, value: b.ready ? 1 : 0, time: b.sentAt });
    },

    anomaly(t: AnomalyTransition): void {
      const a = t.anomaly;
      if (!evaluator.readsSignals(a.metric)) return;
      const score = t.kind === 'opened' ? a.evidence.zScore : 0;
      evaluator.observeAnomaly({ metric: a.metric, labels: { ...a.labels, service: a.service }, value: t.kind === 'opened' ? a.evidence.value : (a.resolvedValue ?? a.worstValue), score, time: t.kind === 'opened' ? a.detectedAt : (a.resolvedAt ?? a.lastBadAt) });
    },

    /** A new rule file in force: rules, inhibitions, routes and receivers. */
    setConfig(config: AlertingConfig, now: number): void {
      evaluator.setRules(config.rules);
      dispatcher.setConfig(config, now);
    },

    /** Evaluates the rules at `now`, publishes the transitions, and starts a delivery round if none runs. */
    async tick(now: number): Promise<void> {
      for (const change of evaluator.evaluate(now)) {
        await deps.publisher.publish(deps.alertsTopic, MonitoringEventNames.alertStateChanged, change, { key: change.alertId });
        logger.info({ alertId: change.alertId, alertName: change.alertName, state: change.state, previous: change.previousState }, 'alert state changed');
        dispatcher.receive(change, now);
      }
      delivering ??= notifier
        .dispatch(dispatcher, now)
        .then((outcomes) => {
          for (const o of outcomes) if (!o.ok) logger.warn({ outcome: o }, 'notification not delivered');
        })
        .catch((err: unknown) => logger.error({ err }, 'notification round failed'))
        .finally(() => (delivering = undefined));
    },

    /** The evaluator's and dispatcher's state as JSON text (active alerts, notification log, silences, acknowledgements). */
    state(): string {
      return JSON.stringify({ evaluator: evaluator.snapshot(), dispatcher: dispatcher.snapshot() });
    },

    /** Continues from `state()`'s text; a state that does not read back is ignored (alerts re-evaluate from fresh samples). */
    restoreState(text: string, now: number): boolean {
      try {
        const state = JSON.parse(text) as { evaluator: unknown; dispatcher: unknown };
        evaluator.restore(state.evaluator);
        dispatcher.restore(state.dispatcher, now);
        return true;
      } catch (err) {
        logger.warn({ err }, 'the saved alerting state could not be read; alerts start afresh');
        return false;
      }
    },

    async close(): Promise<void> {
      await notifier.close();
      await delivering;
    },
  };
}

export type Alerting = ReturnType<typeof createAlerting>;
