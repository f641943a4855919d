import {
  type BrokerLogger,
  type ConsumedEvent,
  createConsumerRunner,
  createTopicFollower,
  type EventCodecPort,
  type MessagingMetricsPort,
  type Publisher,
} from '@tributary/broker';
import { AlertingError, parseAlertingConfig, SilenceStore } from '@tributary/alerting';
import type {
  AcknowledgeAlert,
  AlertAcknowledged,
  AlertRulesChanged,
  CreateSilence,
  ExpireSilence,
  MonitoringCommandRejected,
  PutAlertRules,
  SilenceCreated,
  SilenceExpired,
} from '@tributary/schemas';
import type { Kafka } from 'kafkajs';
import type { Alerting } from '../alerts.js';
import { ALERT_RULES_KEY, MonitoringEventNames, monitoringCommandsGroupId, monitoringTopics } from '../names.js';

/** Longest note on an acknowledgement (the CPM refuses longer ones before they get here). */
const MAX_NOTE_LENGTH = 2000;

export interface AlertControlDeps {
  kafka: Kafka;
  codec: EventCodecPort;
  publisher: Publisher;
  topicPrefix: string;
  alerting: Alerting;
  /** Checked when a rule file is put, and again by every instance when it applies one. */
  allowedDestinations: readonly string[];
  logger: BrokerLogger;
  metrics?: MessagingMetricsPort;
  sessionTimeoutMs: number;
  /** How long a command waits for the events topic to be read to its end. Default 30 s. */
  catchUpTimeoutMs?: number;
  clock?: () => number;
}

/**
 * What people change about alerting, through Kafka: rule files, silences and acknowledgements.
 * Commands on `<prefix>.monitoring.commands` (group `<prefix>-monitoring-commands`: one instance
 * judges each) become events on `<prefix>.monitoring.events` — AlertRulesChanged (a new version),
 * SilenceCreated, SilenceExpired, AlertAcknowledged — or a MonitoringCommandRejected naming what is
 * wrong. Every instance follows those events from the beginning and applies them to its alerting, so
 * a silence or a rule file reaches the instance whichever judges the alert, and survives restarts.
 */
export function createAlertControl(deps: AlertControlDeps) {
  const clock = deps.clock ?? Date.now;
  const logger = deps.logger.child({ component: 'alert-control' });
  const topics = monitoringTopics(deps.topicPrefix);
  const catchUpTimeoutMs = deps.catchUpTimeoutMs ?? 30_000;
  const parse = (text: string) => parseAlertingConfig(text, { allowedDestinations: deps.allowedDestinations });
  /** Version of the rule file in force: 0 is the one the manager started with. */
  let rulesVersion = 0;
  const silences = new Set<string>();

  const follower = createTopicFollower({ kafka: deps.kafka, topic: topics.events, groupPrefix: `${deps.topicPrefix}.monitoring-control`, codec: deps.codec, logger });
  const apply: Record<string, (value: never) => void> = {
    [MonitoringEventNames.alertRulesChanged]: (v: AlertRulesChanged) => {
      if (v.version <= rulesVersion) return;
      rulesVersion = v.version;
      try {
        deps.alerting.setConfig(parse(v.rules), clock());
        logger.info({ version: v.version, rules: v.ruleNames, by: v.changedBy }, 'alert rules in force');
      } catch (err) {
        // Judged valid when it was put; refused here only if this instance's allow-list is narrower.
        logger.error({ err, version: v.version }, 'this instance cannot apply the alert rule file; it keeps the previous one');
      }
    },
    [MonitoringEventNames.silenceCreated]: (v: SilenceCreated) => {
      silences.add(v.silenceId);
      const now = clock();
      if (v.endsAt <= now) return;
      try {
        deps.alerting.dispatcher.silences.create({ id: v.silenceId, matchers: v.matchers, startsAt: v.startsAt, endsAt: v.endsAt, createdBy: v.createdBy, comment: v.comment }, now);
      } catch (err) {
        logger.warn({ err, silenceId: v.silenceId }, 'silence not applied');
      }
    },
    [MonitoringEventNames.silenceExpired]: (v: SilenceExpired) => {
      if (deps.alerting.dispatcher.silences.get(v.silenceId, clock())) deps.alerting.dispatcher.silences.expire(v.silenceId, clock());
    },
    [MonitoringEventNames.alertAcknowledged]: (v: AlertAcknowledged) => {
      try {
        deps.alerting.dispatcher.acknowledge(v.alertId, { by: v.acknowledgedBy, ...(v.note === null ? {} : { note: v.note }) }, v.acknowledgedAt);
      } catch (err) {
        // Not firing here: another instance judges it, or it resolved since.
        if (!(err instanceof AlertingError)) throw err;
      }
    },
  };
  follower.listen(Object.keys(apply), (type, value) => apply[type]?.(value as never));

  async function publish(event: ConsumedEvent, type: string, key: string, value: unknown, eventId: string): Promise<void> {
    await deps.publisher.publish(topics.events, type, value, { key, eventId, correlationId: event.correlationId, causationId: event.eventId });
  }

  async function reject(event: ConsumedEvent<{ requestedBy: string }>, subject: string, code: string, message: string, issues?: unknown): Promise<void> {
    const value: MonitoringCommandRejected = {
      command: event.type,
      subject,
      code,
      message,
      details: issues === undefined ? null : JSON.stringify({ issues }),
      requestedBy: event.value.requestedBy,
      rejectedAt: clock(),
    };
    logger.info({ command: event.type, subject, code }, message);
    await publish(event, MonitoringEventNames.commandRejected, subject, value, `monitoring-rejected:${event.eventId}`);
  }

  const runner = createConsumerRunner({
    kafka: deps.kafka,
    groupId: monitoringCommandsGroupId(deps.topicPrefix),
    topics: [topics.commands],
    codec: deps.codec,
    publisher: deps.publisher,
    bandsOf: (topic) => (topic === topics.commands ? topics.commandBands : undefined),
    logger,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    // One at a time: a rule file's version is judged after the one before it.
    options: { partitionsConsumedConcurrently: 1, sessionTimeoutMs: deps.sessionTimeoutMs },
    handlers: {
      [MonitoringEventNames.putAlertRules]: async (event: ConsumedEvent<PutAlertRules>) => {
        const c = event.value;
        let ruleNames: string[];
        try {
          ruleNames = parse(c.rules).rules.map((r) => r.name);
        } catch (err) {
          if (!(err instanceof AlertingError)) throw err;
          await reject(event, ALERT_RULES_KEY, err.code, err.message, err.issues);
          return;
        }
        await follower.catchUp(catchUpTimeoutMs);
        if (c.expectedVersion !== null && c.expectedVersion !== rulesVersion) {
          await reject(event, ALERT_RULES_KEY, 'TRIB_VERSION_CONFLICT', `the alert rules are at version ${rulesVersion}, not ${c.expectedVersion}`);
          return;
        }
        const value: AlertRulesChanged = { version: rulesVersion + 1, rules: c.rules, ruleNames, changedBy: c.requestedBy, changedAt: clock() };
        await publish(event, MonitoringEventNames.alertRulesChanged, ALERT_RULES_KEY, value, `alert-rules-changed:${value.version}`);
        apply[MonitoringEventNames.alertRulesChanged]?.(value as never);
      },
      [MonitoringEventNames.createSilence]: async (event: ConsumedEvent<CreateSilence>) => {
        const c = event.value;
        try {
          // A scratch store judges it exactly as every instance's dispatcher will.
          new SilenceStore().create({ id: c.silenceId, matchers: c.matchers, startsAt: c.startsAt, endsAt: c.endsAt, createdBy: c.requestedBy, comment: c.comment }, clock());
        } catch (err) {
          if (!(err instanceof AlertingError)) throw err;
          await reject(event, c.silenceId, err.code, err.message, err.issues);
          return;
        }
        const value: SilenceCreated = { silenceId: c.silenceId, matchers: c.matchers, startsAt: c.startsAt, endsAt: c.endsAt, comment: c.comment, createdBy: c.requestedBy, createdAt: clock() };
        await publish(event, MonitoringEventNames.silenceCreated, c.silenceId, value, `silence-created:${c.silenceId}`);
      },
      [MonitoringEventNames.expireSilence]: async (event: ConsumedEvent<ExpireSilence>) => {
        await follower.catchUp(catchUpTimeoutMs);
        if (!silences.has(event.value.silenceId)) {
          await reject(event, event.value.silenceId, 'TRIB_SILENCE_NOT_FOUND', `no silence ${JSON.stringify(event.value.silenceId)}`);
          return;
        }
        const value: SilenceExpired = { silenceId: event.value.silenceId, expiredBy: event.value.requestedBy, expiredAt: clock() };
        await publish(event, MonitoringEventNames.silenceExpired, value.silenceId, value, `silence-expired:${value.silenceId}`);
      },
      [MonitoringEventNames.acknowledgeAlert]: async (event: ConsumedEvent<AcknowledgeAlert>) => {
        const c = event.value;
        if (c.note !== null && c.note.length > MAX_NOTE_LENGTH) {
          await reject(event, c.alertId, 'TRIB_ALERT_ACKNOWLEDGEMENT_INVALID', `a note must be at most ${MAX_NOTE_LENGTH} characters`);
          return;
        }
        // Whether the alert is firing is known to the instance that judges it, which applies it (or not).
        const value: AlertAcknowledged = { alertId: c.alertId, acknowledgedBy: c.requestedBy, note: c.note, acknowledgedAt: clock() };
        await publish(event, MonitoringEventNames.alertAcknowledged, c.alertId, value, `alert-acknowledged:${event.eventId}`);
      },
    },
  });

  return {
    /** Reads what was changed so far (rules, silences, acknowledgements), then takes commands. */
    async start(): Promise<void> {
      await follower.start();
      await runner.start();
    },
    get ready(): boolean {
      return follower.caughtUp && runner.joined;
    },
    get rulesVersion(): number {
      return rulesVersion;
    },
    async close(): Promise<void> {
      await runner.close();
      await follower.close();
    },
  };
}

export type AlertControl = ReturnType<typeof createAlertControl>;
