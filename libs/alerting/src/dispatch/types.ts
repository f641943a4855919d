import type { AlertSeverity } from '@tributary/schemas';
import type { Labels } from '../labels/index.js';
import type { NotificationChannel } from '../rules/index.js';

/** An alert as the dispatcher holds it, built from the firing/resolved transitions it receives. */
export interface DispatchedAlert {
  readonly fingerprint: string;
  readonly alertName: string;
  readonly status: 'firing' | 'resolved';
  readonly severity: AlertSeverity;
  readonly labels: Labels;
  readonly annotations: Readonly<Record<string, string>>;
  readonly value: number | null;
  /** When the condition started to hold (the transition's activeSince). */
  readonly startsAt: number;
  /** When it resolved; null while firing. */
  readonly endsAt: number | null;
}

/** Who acknowledged a firing alert, when, and why. It lasts until the alert resolves or fires anew. */
export interface Acknowledgement {
  readonly alertId: string;
  readonly by: string;
  readonly note: string;
  readonly at: number;
  /** The activation acknowledged (the alert's startsAt). */
  readonly startsAt: number;
}

/** Why a notification is sent (Alertmanager's notify reasons). */
export type NotifyReason = 'first_notification' | 'new_alerts' | 'resolved_alerts' | 'all_resolved' | 'repeat_interval';

export interface NotifiedAlert extends DispatchedAlert {
  readonly acknowledgement: Acknowledgement | null;
}

/**
 * What to tell one channel of a receiver about one alert group. It names its channel by key only:
 * the channel's URL and headers are secrets and stay in the config (`dispatcher.channel(key)`).
 */
export interface Notification {
  /** Unique per (channel, group, flush time). */
  readonly id: string;
  /** `<route id>:<group labels>`, e.g. `{}/{severity="critical"}:{alertname="ServiceDown"}`. */
  readonly groupKey: string;
  readonly receiver: string;
  readonly channelKey: string;
  readonly channelType: NotificationChannel['type'];
  /** `firing` when any listed alert fires, else `resolved`. */
  readonly status: 'firing' | 'resolved';
  readonly reason: NotifyReason;
  readonly groupLabels: Labels;
  /** Labels (annotations) every listed alert has with the same value. */
  readonly commonLabels: Labels;
  readonly commonAnnotations: Readonly<Record<string, string>>;
  /** Firing alerts first, then resolved ones; each group in label order. */
  readonly alerts: readonly NotifiedAlert[];
  readonly createdAt: number;
  /** Firing alerts the channel will know about once this is delivered (the notification log). */
  readonly knownFiring: readonly string[];
}

/** An alert with why it is or is not being notified (Alertmanager's alert status). */
export interface AlertStatus extends DispatchedAlert {
  /** `suppressed` when silenced or inhibited. */
  readonly state: 'active' | 'suppressed';
  readonly silencedBy: readonly string[];
  /** Fingerprints of the firing alerts that inhibit it. */
  readonly inhibitedBy: readonly string[];
  readonly acknowledgement: Acknowledgement | null;
  readonly groupKeys: readonly string[];
}
