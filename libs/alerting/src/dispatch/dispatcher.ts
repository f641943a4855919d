import type { AlertStateChanged } from '@tributary/schemas';
import { AlertingError } from '../errors.js';
import { type Labels, labelsKey } from '../labels/index.js';
import type { AlertingConfig, NotificationChannel, Receiver, Route } from '../rules/index.js';
import { SilenceStore } from '../silences/index.js';
import { type NotificationLogEntry, decide } from './decision.js';
import { Inhibitor } from './inhibition.js';
import { type NotificationDispatcherOptions, notificationDispatcherDefaults } from './options.js';
import { flattenRoutes, groupKeyOf, groupLabelsOf, matchRoutes } from './routing.js';
import { type NotificationDispatcherSnapshot, parseDispatcherSnapshot } from './snapshot.js';
import type { Acknowledgement, AlertStatus, DispatchedAlert, Notification, NotifiedAlert } from './types.js';

/** Alerts of one route with the same values of its group_by labels, notified together. */
interface AggregationGroup {
  readonly key: string;
  readonly routeId: string;
  readonly receiver: string;
  readonly groupLabels: Labels;
  readonly alerts: Set<string>;
  nextFlushAt: number;
  /** Per channel: what it was last told (Alertmanager's notification log). */
  readonly log: Map<string, NotificationLogEntry>;
  /** Per channel: the notification handed out and not yet reported delivered or failed. */
  readonly inflight: Map<string, { readonly id: string; readonly fingerprints: readonly string[] }>;
}

const byLabels = (a: DispatchedAlert, b: DispatchedAlert) => {
  const ka = labelsKey(a.labels);
  const kb = labelsKey(b.labels);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

function common(maps: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  const [first, ...rest] = maps;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(first ?? {})) if (rest.every((m) => m[name] === value)) out[name] = value;
  return out;
}

/**
 * Alertmanager's notification pipeline as a pure state machine: routes firing and resolved alerts
 * into aggregation groups (group_by), decides at each group flush — group_wait after a group is
 * created, then every group_interval — what each channel of the group's receiver must hear,
 * de-duplicated against what it was already told, with silenced and inhibited alerts left out and
 * acknowledged alerts left out of repeats (repeat_interval). It never sends anything itself and
 * reads no clock: the caller passes `now`, hands the notifications to an AlertNotifier and reports
 * back with `delivered` or `failed` (a failed one is decided again at the next flush).
 */
export class NotificationDispatcher {
  readonly silences: SilenceStore;
  #config: AlertingConfig;
  #routes = new Map<string, Route>();
  readonly #alerts = new Map<string, DispatchedAlert>();
  readonly #groups = new Map<string, AggregationGroup>();
  readonly #acks = new Map<string, Acknowledgement>();

  constructor(config: AlertingConfig, options: Partial<NotificationDispatcherOptions> = {}) {
    this.silences = new SilenceStore({ ...notificationDispatcherDefaults.silences, ...options.silences });
    this.#config = config;
    this.#routes = flattenRoutes(config.route);
  }

  /** The channel a notification names (its URL and headers are secrets: do not log it). */
  channel(key: string): NotificationChannel | undefined {
    for (const receiver of this.#config.receivers.values()) {
      const found = receiver.channels.find((c) => c.key === key);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /**
   * Takes a new rule file. Alerts are routed again; a group that keeps its key keeps its timers and
   * notification log, so a reload neither re-sends nor forgets what was sent.
   */
  setConfig(config: AlertingConfig, now: number): void {
    const previous = new Map(this.#groups);
    this.#config = config;
    this.#routes = flattenRoutes(config.route);
    this.#groups.clear();
    for (const alert of this.#alerts.values()) this.#route(alert, now, previous);
    for (const group of this.#groups.values()) this.#cleanup(group);
    for (const alert of [...this.#alerts.values()]) {
      if (alert.status === 'resolved' && this.#groupsOf(alert.fingerprint).length === 0) this.#alerts.delete(alert.fingerprint);
    }
  }

  /**
   * Takes one transition from the evaluator (or from `tributary.monitoring.alerts`). Pending alerts
   * are not notified, nor is a pending alert that was dropped. Receiving the same transition twice
   * changes nothing. `now` defaults to the transition's time.
   */
  receive(change: AlertStateChanged, now: number = change.changedAt): void {
    const existing = this.#alerts.get(change.alertId);
    if (change.state === 'pending') return;
    if (change.state === 'resolved') {
      if (existing === undefined || existing.status === 'resolved') return;
      this.#alerts.set(change.alertId, { ...existing, status: 'resolved', endsAt: change.changedAt, value: change.value ?? existing.value });
      this.#acks.delete(change.alertId);
      return;
    }
    const startsAt = change.activeSince ?? change.changedAt;
    const alert: DispatchedAlert = {
      fingerprint: change.alertId,
      alertName: change.alertName,
      status: 'firing',
      severity: change.severity,
      labels: { ...change.labels },
      annotations: { ...change.annotations },
      value: change.value,
      startsAt,
      endsAt: null,
    };
    this.#alerts.set(alert.fingerprint, alert);
    const ack = this.#acks.get(alert.fingerprint);
    if (ack !== undefined && ack.startsAt !== startsAt) this.#acks.delete(alert.fingerprint);
    this.#route(alert, now);
  }

  #route(alert: DispatchedAlert, now: number, previous?: ReadonlyMap<string, AggregationGroup>): void {
    if (this.#config.route === undefined) return;
    for (const route of matchRoutes(this.#config.route, alert.labels)) {
      const groupLabels = groupLabelsOf(route, alert.labels);
      const key = groupKeyOf(route, groupLabels);
      let group = this.#groups.get(key);
      if (group === undefined) {
        const before = previous?.get(key);
        group = {
          key,
          routeId: route.id,
          receiver: route.receiver,
          groupLabels,
          alerts: new Set(),
          nextFlushAt: before?.nextFlushAt ?? now + route.groupWaitMs,
          log: new Map(before?.log ?? []),
          inflight: new Map(before?.inflight ?? []),
        };
        this.#groups.set(key, group);
      }
      group.alerts.add(alert.fingerprint);
    }
  }

  #groupsOf(fingerprint: string): AggregationGroup[] {
    return [...this.#groups.values()].filter((g) => g.alerts.has(fingerprint));
  }

  /** When the next group is due, or undefined when there is none: the caller's next tick. */
  nextFlushAt(): number | undefined {
    let next: number | undefined;
    for (const group of this.#groups.values()) if (next === undefined || group.nextFlushAt < next) next = group.nextFlushAt;
    return next;
  }

  #muted(now: number): (alert: DispatchedAlert) => boolean {
    const inhibitor = new Inhibitor(
      this.#config.inhibitRules,
      [...this.#alerts.values()].filter((a) => a.status === 'firing'),
    );
    return (alert) => this.silences.mutedBy(alert.labels, now).length > 0 || inhibitor.inhibitedBy(alert).length > 0;
  }

  /** The notifications due at `now`, one per channel of each due group that has something to say. */
  flush(now: number): Notification[] {
    this.silences.purge(now);
    const due = [...this.#groups.values()].filter((g) => g.nextFlushAt <= now).sort((a, b) => (a.key < b.key ? -1 : 1));
    if (due.length === 0) return [];
    const isMuted = this.#muted(now);
    const notifications: Notification[] = [];
    for (const group of due) {
      const route = this.#routes.get(group.routeId);
      group.nextFlushAt = now + (route?.groupIntervalMs ?? 0);
      const receiver: Receiver | undefined = this.#config.receivers.get(group.receiver);
      const alerts = [...group.alerts].map((fp) => this.#alerts.get(fp)).filter((a): a is DispatchedAlert => a !== undefined).sort(byLabels);
      const muted = new Set(alerts.filter(isMuted).map((a) => a.fingerprint));
      for (const channel of receiver?.channels ?? []) {
        if (group.inflight.has(channel.key)) continue;
        const entry = group.log.get(channel.key);
        const decision = decide({
          entry,
          alerts,
          muted,
          acknowledged: (fp) => this.#acks.has(fp),
          sendResolved: channel.sendResolved,
          repeatIntervalMs: route?.repeatIntervalMs ?? Number.POSITIVE_INFINITY,
          now,
        });
        if (decision.kind === 'update') group.log.set(channel.key, { at: entry?.at ?? now, firing: decision.knownFiring });
        if (decision.kind !== 'notify') continue;
        const listed: NotifiedAlert[] = [...decision.firing, ...decision.resolved].map((a) => ({
          ...a,
          acknowledgement: this.#acks.get(a.fingerprint) ?? null,
        }));
        const notification: Notification = {
          id: `${channel.key}|${group.key}|${now}`,
          groupKey: group.key,
          receiver: group.receiver,
          channelKey: channel.key,
          channelType: channel.type,
          status: decision.firing.length > 0 ? 'firing' : 'resolved',
          reason: decision.reason,
          groupLabels: group.groupLabels,
          commonLabels: common(listed.map((a) => a.labels)),
          commonAnnotations: common(listed.map((a) => a.annotations)),
          alerts: listed,
          createdAt: now,
          knownFiring: decision.knownFiring,
        };
        group.inflight.set(channel.key, { id: notification.id, fingerprints: listed.map((a) => a.fingerprint) });
        notifications.push(notification);
      }
      this.#cleanup(group);
    }
    return notifications;
  }

  /** Records that a notification reached its channel: it is now what the channel knows. */
  delivered(notification: Notification, now: number): void {
    const group = this.#settle(notification);
    if (group === undefined) return;
    group.log.set(notification.channelKey, { at: now, firing: notification.knownFiring });
    this.#cleanup(group);
  }

  /** Records that a notification could not be delivered: the next flush of its group decides again. */
  failed(notification: Notification): void {
    const group = this.#settle(notification);
    if (group !== undefined) this.#cleanup(group);
  }

  #settle(notification: Notification): AggregationGroup | undefined {
    const group = this.#groups.get(notification.groupKey);
    if (group?.inflight.get(notification.channelKey)?.id !== notification.id) return undefined;
    group.inflight.delete(notification.channelKey);
    return group;
  }

  /**
   * Drops resolved alerts no channel still has to hear about, and the group once it is empty; an
   * alert is forgotten once it is resolved and in no group.
   */
  #cleanup(group: AggregationGroup): void {
    const referenced = new Set<string>();
    for (const entry of group.log.values()) for (const fp of entry.firing) referenced.add(fp);
    for (const inflight of group.inflight.values()) for (const fp of inflight.fingerprints) referenced.add(fp);
    const dropped: string[] = [];
    for (const fp of group.alerts) {
      const alert = this.#alerts.get(fp);
      if (alert === undefined || (alert.status === 'resolved' && !referenced.has(fp))) {
        group.alerts.delete(fp);
        dropped.push(fp);
      }
    }
    if (group.alerts.size === 0 && group.inflight.size === 0) this.#groups.delete(group.key);
    for (const fp of dropped) {
      if (this.#alerts.get(fp)?.status === 'resolved' && this.#groupsOf(fp).length === 0) this.#alerts.delete(fp);
    }
  }

  /**
   * Acknowledges a firing alert: it stays in notifications about its group but no longer causes
   * repeats, until it resolves or fires anew. TRIB_ALERT_NOT_FOUND unless it is firing.
   */
  acknowledge(alertId: string, by: { by: string; note?: string }, now: number): Acknowledgement {
    const alert = this.#alerts.get(alertId);
    if (alert?.status !== 'firing') throw new AlertingError('TRIB_ALERT_NOT_FOUND', `no firing alert ${JSON.stringify(alertId)}`);
    if (by.by.trim() === '') {
      throw new AlertingError('TRIB_ALERT_ACKNOWLEDGEMENT_INVALID', 'an acknowledgement must say who acknowledged', {
        issues: [{ path: 'by', message: 'is empty' }],
      });
    }
    const ack: Acknowledgement = { alertId, by: by.by.trim(), note: (by.note ?? '').trim(), at: now, startsAt: alert.startsAt };
    this.#acks.set(alertId, ack);
    return ack;
  }

  /** Withdraws an acknowledgement; false when there was none. */
  unacknowledge(alertId: string): boolean {
    return this.#acks.delete(alertId);
  }

  /** Every alert held, with whether it is silenced, inhibited or acknowledged at `now`. */
  alerts(now: number): AlertStatus[] {
    const inhibitor = new Inhibitor(this.#config.inhibitRules, [...this.#alerts.values()].filter((a) => a.status === 'firing'));
    return [...this.#alerts.values()].sort(byLabels).map((alert) => {
      const silencedBy = this.silences.mutedBy(alert.labels, now);
      const inhibitedBy = inhibitor.inhibitedBy(alert);
      return {
        ...alert,
        state: silencedBy.length > 0 || inhibitedBy.length > 0 ? 'suppressed' : 'active',
        silencedBy,
        inhibitedBy,
        acknowledgement: this.#acks.get(alert.fingerprint) ?? null,
        groupKeys: this.#groupsOf(alert.fingerprint).map((g) => g.key),
      };
    });
  }

  snapshot(): NotificationDispatcherSnapshot {
    return {
      version: 1,
      alerts: [...this.#alerts.values()].map((a) => ({ ...a, labels: { ...a.labels }, annotations: { ...a.annotations } })),
      groups: [...this.#groups.values()].map((g) => ({
        key: g.key,
        routeId: g.routeId,
        receiver: g.receiver,
        groupLabels: { ...g.groupLabels },
        alerts: [...g.alerts],
        nextFlushAt: g.nextFlushAt,
        log: [...g.log].map(([channelKey, e]) => ({ channelKey, at: e.at, firing: [...e.firing] })),
      })),
      acknowledgements: [...this.#acks.values()].map((a) => ({ ...a })),
      silences: this.silences.snapshot(),
    };
  }

  /**
   * Replaces the state with a snapshot (TRIB_ALERT_SNAPSHOT_INVALID when malformed). Alerts are
   * routed with the current config; groups that still exist keep their timers and logs.
   */
  restore(snapshot: unknown, now: number): void {
    const parsed = parseDispatcherSnapshot(snapshot);
    this.silences.restore(parsed.silences);
    this.#alerts.clear();
    this.#groups.clear();
    this.#acks.clear();
    for (const a of parsed.alerts) this.#alerts.set(a.fingerprint, a);
    for (const a of parsed.acknowledgements) this.#acks.set(a.alertId, a);
    const previous = new Map<string, AggregationGroup>();
    for (const g of parsed.groups) {
      previous.set(g.key, {
        ...g,
        alerts: new Set(g.alerts),
        log: new Map(g.log.map((e) => [e.channelKey, { at: e.at, firing: e.firing }])),
        inflight: new Map(),
      });
    }
    for (const alert of this.#alerts.values()) this.#route(alert, now, previous);
    for (const group of [...this.#groups.values()]) this.#cleanup(group);
  }
}
