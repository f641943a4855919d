export { loadAlertingConfig, parseAlertingConfig } from './parse.js';
export { alertingConfigDefaults, resolveAlertingConfigOptions, ruleFileDefaults } from './options.js';
export type { AlertingConfigOptions, ResolvedAlertingConfigOptions } from './options.js';
export { alertingRuleFileJsonSchema, ruleFileSchema } from './schema.js';
export type { RuleFile, RuleFileRoute } from './schema.js';
export { parseTemplate, renderAnnotations, renderTemplate } from './template.js';
export type { AnnotationTemplate } from './template.js';
export type {
  AbsentRule,
  AlertRule,
  AlertRuleKind,
  AlertSeverity,
  AlertingConfig,
  AnomalyRule,
  ComparisonOperator,
  InhibitRule,
  LogChannel,
  NotificationChannel,
  RateOfChangeRule,
  Receiver,
  Route,
  SeriesSelector,
  SlackChannel,
  ThresholdRule,
  WebhookChannel,
} from './types.js';
