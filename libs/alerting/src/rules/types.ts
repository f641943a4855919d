import type { AlertSeverity } from '@tributary/schemas';
import type { CompiledMatcher, Labels } from '../labels/index.js';
import type { AnnotationTemplate } from './template.js';

export type { AlertSeverity };

/** Comparison of an observed value with a rule's value: `observed <op> value`. */
export type ComparisonOperator = '>' | '>=' | '<' | '<=' | '==' | '!=';

/** Which series a rule looks at: one metric, narrowed by label matchers. */
export interface SeriesSelector {
  readonly metric: string;
  readonly matchers: readonly CompiledMatcher[];
}

interface AlertRuleBase {
  /** Alert name, unique in the file; becomes the `alertname` label and `alertName` of the events. */
  readonly name: string;
  /** Name of the rule group it was declared in. */
  readonly group: string;
  readonly selector: SeriesSelector;
  /** How long the condition must hold before pending turns firing, in ms (0: fires at once). */
  readonly forMs: number;
  /** How long a firing alert keeps firing after its condition stopped holding, in ms. */
  readonly keepFiringForMs: number;
  readonly severity: AlertSeverity;
  /** Group labels and rule labels merged (rule labels win); added to the series labels. */
  readonly labels: Labels;
  readonly annotations: Readonly<Record<string, AnnotationTemplate>>;
}

/** Fires while the latest sample of a series compares true with `value`. */
export interface ThresholdRule extends AlertRuleBase {
  readonly kind: 'threshold';
  readonly threshold: { readonly op: ComparisonOperator; readonly value: number };
}

/**
 * Fires while the change of a series over `windowMs`, expressed per `perMs`, compares true with
 * `value`. `unit: 'percent'` measures the change in percent of the oldest sample in the window.
 */
export interface RateOfChangeRule extends AlertRuleBase {
  readonly kind: 'rate_of_change';
  readonly rateOfChange: {
    readonly windowMs: number;
    readonly perMs: number;
    readonly unit: 'absolute' | 'percent';
    readonly op: ComparisonOperator;
    readonly value: number;
  };
}

/** Fires while the anomaly score (deviations from the series' baseline) of a series is at least `minScore`. */
export interface AnomalyRule extends AlertRuleBase {
  readonly kind: 'anomaly';
  readonly anomaly: { readonly minScore: number; readonly direction: 'above' | 'below' | 'both' };
}

/** Fires while a series (or, when none was ever seen, the whole selector) has had no sample for `windowMs`. */
export interface AbsentRule extends AlertRuleBase {
  readonly kind: 'absent';
  readonly absent: { readonly windowMs: number };
}

export type AlertRule = ThresholdRule | RateOfChangeRule | AnomalyRule | AbsentRule;
export type AlertRuleKind = AlertRule['kind'];

/**
 * While a firing alert matches the source matchers, alerts matching the target matchers with the
 * same values of the `equal` labels are muted (a missing label equals a missing label).
 */
export interface InhibitRule {
  readonly sourceMatchers: readonly CompiledMatcher[];
  readonly targetMatchers: readonly CompiledMatcher[];
  readonly equal: readonly string[];
}

/**
 * A node of the routing tree. Children inherit receiver, grouping and timings they do not set. An
 * alert goes to the first matching child (depth first), or to this node when no child matches;
 * `continue` lets it go on to the next siblings as well.
 */
export interface Route {
  /** Path of matchers from the root, e.g. `{}/{severity="critical"}`: prefix of the group keys. */
  readonly id: string;
  readonly receiver: string;
  readonly matchers: readonly CompiledMatcher[];
  /** Label names to group by; `'all'` (written `['...']`) groups by every label. */
  readonly groupBy: readonly string[] | 'all';
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
  readonly continue: boolean;
  readonly routes: readonly Route[];
}

interface ChannelBase {
  /** `<receiver>/<type>/<index>`: names the channel in logs and in the notification log (never the URL). */
  readonly key: string;
  /** Whether resolved alerts are sent too (webhook and log: true, Slack: false, as in Alertmanager). */
  readonly sendResolved: boolean;
  /** Most alerts listed in one notification; the rest are counted (0: no limit). */
  readonly maxAlerts: number;
}

/** POSTs Alertmanager's webhook JSON (version 4). The URL and headers are secrets: never logged. */
export interface WebhookChannel extends ChannelBase {
  readonly type: 'webhook';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** POSTs `{ text, blocks }` to a Slack incoming-webhook URL (a secret: never logged). */
export interface SlackChannel extends ChannelBase {
  readonly type: 'slack';
  readonly url: string;
}

/** Writes the notification to the notifier's logger. */
export interface LogChannel extends ChannelBase {
  readonly type: 'log';
  readonly level: 'info' | 'warn' | 'error';
}

export type NotificationChannel = WebhookChannel | SlackChannel | LogChannel;

export interface Receiver {
  readonly name: string;
  readonly channels: readonly NotificationChannel[];
}

/** A validated rule file, ready for the evaluator (rules) and the dispatcher (the rest). */
export interface AlertingConfig {
  readonly rules: readonly AlertRule[];
  readonly inhibitRules: readonly InhibitRule[];
  /** Absent when the file declares no route: alerts are evaluated and published, nothing is notified. */
  readonly route: Route | undefined;
  readonly receivers: ReadonlyMap<string, Receiver>;
}
