import type { Notification, NotifiedAlert } from '../dispatch/index.js';
import type { Labels } from '../labels/index.js';

/** Go's zero time: what Alertmanager writes as `endsAt` of a firing alert, which receivers expect. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

export interface WebhookAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Labels;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL: string;
  readonly fingerprint: string;
  /** Tributary's addition (receivers ignore unknown fields): who acknowledged the alert. */
  readonly acknowledgement?: { readonly by: string; readonly note: string; readonly at: string };
}

/** Alertmanager's webhook body, version 4, so existing receivers work unchanged. */
export interface AlertmanagerWebhookPayload {
  readonly version: '4';
  readonly groupKey: string;
  readonly truncatedAlerts: number;
  readonly status: 'firing' | 'resolved';
  readonly receiver: string;
  readonly groupLabels: Labels;
  readonly commonLabels: Labels;
  readonly commonAnnotations: Readonly<Record<string, string>>;
  readonly externalURL: string;
  readonly alerts: readonly WebhookAlert[];
}

function limited(alerts: readonly NotifiedAlert[], maxAlerts: number): { shown: readonly NotifiedAlert[]; truncated: number } {
  if (maxAlerts <= 0 || alerts.length <= maxAlerts) return { shown: alerts, truncated: 0 };
  return { shown: alerts.slice(0, maxAlerts), truncated: alerts.length - maxAlerts };
}

export function webhookPayload(notification: Notification, options: { maxAlerts: number; externalUrl: string }): AlertmanagerWebhookPayload {
  const { shown, truncated } = limited(notification.alerts, options.maxAlerts);
  return {
    version: '4',
    groupKey: notification.groupKey,
    truncatedAlerts: truncated,
    status: notification.status,
    receiver: notification.receiver,
    groupLabels: notification.groupLabels,
    commonLabels: notification.commonLabels,
    commonAnnotations: notification.commonAnnotations,
    externalURL: options.externalUrl,
    alerts: shown.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: new Date(a.startsAt).toISOString(),
      endsAt: a.endsAt === null ? ZERO_TIME : new Date(a.endsAt).toISOString(),
      generatorURL: options.externalUrl,
      fingerprint: a.fingerprint,
      ...(a.acknowledgement === null
        ? {}
        : { acknowledgement: { by: a.acknowledgement.by, note: a.acknowledgement.note, at: new Date(a.acknowledgement.at).toISOString() } }),
    })),
  };
}

/** `[FIRING:2] ServiceDown service=cpm`: Alertmanager's default title. */
export function notificationTitle(notification: Notification): string {
  const firing = notification.alerts.filter((a) => a.status === 'firing').length;
  const count = notification.status === 'firing' ? `FIRING:${firing}` : 'RESOLVED';
  const name = notification.commonLabels.alertname ?? notification.groupLabels.alertname ?? 'alerts';
  const labels = Object.entries(notification.groupLabels)
    .filter(([n]) => n !== 'alertname')
    .map(([n, v]) => `${n}=${v}`)
    .join(' ');
  return `[${count}] ${name}${labels === '' ? '' : ` ${labels}`}`;
}

interface SlackText {
  readonly type: 'mrkdwn';
  readonly text: string;
}

/** A Slack Block Kit block: a `section` with text, or a `context` with elements. */
export interface SlackBlock {
  readonly type: 'section' | 'context';
  readonly text?: SlackText;
  readonly elements?: readonly SlackText[];
}

export interface SlackPayload {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

/** Slack mrkdwn treats &, < and > as control characters. */
function escapeSlack(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Slack rejects section texts over 3 000 characters. */
function clip(text: string, max = 2900): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function slackAlertText(alert: NotifiedAlert): string {
  const headline = alert.annotations.summary ?? alert.labels.alertname ?? alert.fingerprint;
  const lines = [`*${alert.status === 'firing' ? 'Firing' : 'Resolved'}* (${alert.severity}): ${escapeSlack(headline)}`];
  if (alert.annotations.description !== undefined) lines.push(escapeSlack(alert.annotations.description));
  const labels = Object.entries(alert.labels)
    .filter(([n]) => n !== 'alertname' && n !== 'severity')
    .map(([n, v]) => `${n}=${v}`)
    .join(', ');
  if (labels !== '') lines.push(`\`${escapeSlack(labels)}\``);
  if (alert.acknowledgement !== null) {
    const note = alert.acknowledgement.note === '' ? '' : `: ${alert.acknowledgement.note}`;
    lines.push(`_acknowledged by ${escapeSlack(alert.acknowledgement.by)}${escapeSlack(note)}_`);
  }
  if (alert.annotations.runbook_url !== undefined) lines.push(`runbook: ${escapeSlack(alert.annotations.runbook_url)}`);
  return clip(lines.join('\n'));
}

/** `{ text, blocks }` for a Slack incoming webhook: `text` is the fallback shown in notifications. */
export function slackPayload(notification: Notification, options: { maxAlerts: number }): SlackPayload {
  const { shown, truncated } = limited(notification.alerts, options.maxAlerts);
  const title = notificationTitle(notification);
  const blocks: SlackBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: `*${escapeSlack(title)}*` } }];
  for (const alert of shown) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: slackAlertText(alert) } });
  if (truncated > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${truncated} more` }] });
  return { text: title, blocks };
}

/** The fields a log channel writes (labels and annotations only: nothing secret). */
export function logRecord(notification: Notification, maxAlerts: number): Record<string, unknown> {
  const { shown, truncated } = limited(notification.alerts, maxAlerts);
  return {
    groupKey: notification.groupKey,
    receiver: notification.receiver,
    status: notification.status,
    reason: notification.reason,
    truncatedAlerts: truncated,
    alerts: shown.map((a) => ({
      fingerprint: a.fingerprint,
      status: a.status,
      severity: a.severity,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: a.startsAt,
      endsAt: a.endsAt,
      acknowledgedBy: a.acknowledgement?.by ?? null,
    })),
  };
}
