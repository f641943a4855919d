// The only public door of @tributary/alerting: alert rule files (threshold, rate of change, anomaly,
// absence), their evaluation into AlertStateChanged transitions, Alertmanager-style dispatch (routes,
// grouping, silences, inhibition, acknowledgements) and notification channels (webhook, Slack, log)
// behind a destination allow-list. Everything but AlertNotifier is pure: no timers, no I/O.
export { AlertingError } from './errors.js';
export type { AlertingErrorCode, AlertingIssue } from './errors.js';
export { alertingDefaults } from './defaults.js';
export { formatDuration, parseDuration } from './duration.js';
export { backoffDelay, isRetriable, retryDefaults, withRetry } from './retry.js';
export type { RetryHooks, RetryPolicy } from './retry.js';
export { canonicalLabels, compileMatcher, fingerprint, formatMatcher, labelsKey, parseMatcher } from './labels/index.js';
export type { CompiledMatcher, LabelMatcher, Labels, MatchType, MatcherInput, PatternLimits } from './labels/index.js';
export { DestinationAllowList, redactUrl } from './destinations/index.js';
export type { DestinationCheck } from './destinations/index.js';
export {
  alertingConfigDefaults,
  alertingRuleFileJsonSchema,
  loadAlertingConfig,
  parseAlertingConfig,
  ruleFileDefaults,
  ruleFileSchema,
} from './rules/index.js';
export type {
  AbsentRule,
  AlertRule,
  AlertRuleKind,
  AlertSeverity,
  AlertingConfig,
  AlertingConfigOptions,
  AnomalyRule,
  ComparisonOperator,
  InhibitRule,
  LogChannel,
  NotificationChannel,
  RateOfChangeRule,
  Receiver,
  Route,
  RuleFile,
  SeriesSelector,
  SlackChannel,
  ThresholdRule,
  WebhookChannel,
} from './rules/index.js';
export { AlertEvaluator, alertEvaluatorDefaults, ruleMetrics } from './evaluation/index.js';
export type {
  ActiveAlert,
  AlertEvaluatorOptions,
  AlertEvaluatorSnapshot,
  AlertEvaluatorStats,
  AlertStateChange,
  AnomalySignal,
  RuleMetrics,
  SeriesSample,
} from './evaluation/index.js';
export { SilenceStore, silenceStoreDefaults } from './silences/index.js';
export type { Silence, SilenceInput, SilenceState, SilenceStoreOptions, SilenceStoreSnapshot, SilenceView } from './silences/index.js';
export { Inhibitor, NotificationDispatcher, notificationDispatcherDefaults } from './dispatch/index.js';
export type {
  Acknowledgement,
  AlertStatus,
  DispatchedAlert,
  Notification,
  NotificationDispatcherOptions,
  NotificationDispatcherSnapshot,
  NotifiedAlert,
  NotifyReason,
} from './dispatch/index.js';
export { AlertNotifier, alertNotifierDefaults, notificationTitle, slackPayload, webhookPayload } from './channels/index.js';
export type { AlertNotifierOptions, AlertingLogger, AlertmanagerWebhookPayload, DeliveryOutcome, SlackPayload, WebhookAlert } from './channels/index.js';
