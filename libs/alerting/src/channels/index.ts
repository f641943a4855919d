export { AlertNotifier } from './notifier.js';
export { alertNotifierDefaults, resolveAlertNotifierOptions } from './options.js';
export type { AlertNotifierOptions, ResolvedAlertNotifierOptions } from './options.js';
export { logRecord, notificationTitle, slackPayload, webhookPayload } from './payloads.js';
export type { AlertmanagerWebhookPayload, SlackBlock, SlackPayload, WebhookAlert } from './payloads.js';
export type { AlertingLogger, DeliveryOutcome } from './types.js';
