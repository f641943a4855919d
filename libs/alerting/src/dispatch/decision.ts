import type { DispatchedAlert, NotifyReason } from './types.js';

/** What a channel was last told about a group: when, and which alerts it knows as firing. */
export interface NotificationLogEntry {
  readonly at: number;
  readonly firing: readonly string[];
}

export interface DecisionInput {
  readonly entry: NotificationLogEntry | undefined;
  /** The group's alerts, in label order. */
  readonly alerts: readonly DispatchedAlert[];
  readonly muted: ReadonlySet<string>;
  readonly acknowledged: (fingerprint: string) => boolean;
  readonly sendResolved: boolean;
  readonly repeatIntervalMs: number;
  readonly now: number;
}

export type Decision =
  | { readonly kind: 'none' }
  /** Nothing to send, but the log changes (muted or unannounced alerts leave it); its time stays. */
  | { readonly kind: 'update'; readonly knownFiring: readonly string[] }
  | {
      readonly kind: 'notify';
      readonly reason: NotifyReason;
      readonly firing: readonly DispatchedAlert[];
      readonly resolved: readonly DispatchedAlert[];
      readonly knownFiring: readonly string[];
    };

/**
 * Whether a channel must hear about a group at this flush: Alertmanager's de-duplication against
 * its notification log, plus muting and acknowledgements. In order:
 * 1. firing alerts it has not been told about (not muted) → notify with every visible firing alert;
 * 2. alerts it knows as firing that resolved → notify them when it wants resolved alerts, else just
 *    forget them;
 * 3. nothing changed and `repeat_interval` passed since the last notification → repeat, listing
 *    only unacknowledged alerts (none left: no repeat);
 * 4. alerts it knows that are now muted → forget them silently, so it hears again when the mute ends.
 * A resolved alert it was never told about is never sent: the receiver cannot care.
 */
export function decide(input: DecisionInput): Decision {
  const known = new Set(input.entry?.firing ?? []);
  const visibleFiring = input.alerts.filter((a) => a.status === 'firing' && !input.muted.has(a.fingerprint));
  const resolvedKnown = input.alerts.filter((a) => a.status === 'resolved' && known.has(a.fingerprint) && !input.muted.has(a.fingerprint));
  const knownFiring = visibleFiring.map((a) => a.fingerprint);
  if (visibleFiring.some((a) => !known.has(a.fingerprint))) {
    const reason = known.size === 0 ? 'first_notification' : 'new_alerts';
    return { kind: 'notify', reason, firing: visibleFiring, resolved: input.sendResolved ? resolvedKnown : [], knownFiring };
  }
  if (resolvedKnown.length > 0) {
    if (!input.sendResolved) return { kind: 'update', knownFiring };
    const reason = visibleFiring.length > 0 ? 'resolved_alerts' : 'all_resolved';
    return { kind: 'notify', reason, firing: visibleFiring, resolved: resolvedKnown, knownFiring };
  }
  if (input.entry !== undefined && visibleFiring.length > 0 && input.now - input.entry.at >= input.repeatIntervalMs) {
    const unacknowledged = visibleFiring.filter((a) => !input.acknowledged(a.fingerprint));
    if (unacknowledged.length > 0) return { kind: 'notify', reason: 'repeat_interval', firing: unacknowledged, resolved: [], knownFiring };
  }
  if (known.size !== knownFiring.length) return { kind: 'update', knownFiring };
  return { kind: 'none' };
}
