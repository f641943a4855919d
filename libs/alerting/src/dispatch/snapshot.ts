import { z } from 'zod';
import { invalid } from '../errors.js';
import { zodIssues } from '../validate-options.js';

const labels = z.record(z.string(), z.string());

const schema = z.strictObject({
  version: z.literal(1),
  alerts: z.array(
    z.strictObject({
      fingerprint: z.string(),
      alertName: z.string(),
      status: z.enum(['firing', 'resolved']),
      severity: z.enum(['info', 'warning', 'critical']),
      labels,
      annotations: labels,
      value: z.number().nullable(),
      startsAt: z.number(),
      endsAt: z.number().nullable(),
    }),
  ),
  groups: z.array(
    z.strictObject({
      key: z.string(),
      routeId: z.string(),
      receiver: z.string(),
      groupLabels: labels,
      alerts: z.array(z.string()),
      nextFlushAt: z.number(),
      log: z.array(z.strictObject({ channelKey: z.string(), at: z.number(), firing: z.array(z.string()) })),
    }),
  ),
  acknowledgements: z.array(
    z.strictObject({ alertId: z.string(), by: z.string(), note: z.string(), at: z.number(), startsAt: z.number() }),
  ),
  silences: z.unknown(),
});

/**
 * A dispatcher's state as plain JSON: alerts, groups with their timers and notification logs (so a
 * restart neither re-sends nor forgets), acknowledgements and silences. Deliveries in flight are not
 * kept: they were not logged, so they are decided again at the group's next flush.
 */
export type NotificationDispatcherSnapshot = z.infer<typeof schema>;

export function parseDispatcherSnapshot(value: unknown): NotificationDispatcherSnapshot {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid('TRIB_ALERT_SNAPSHOT_INVALID', 'notification dispatcher snapshot', zodIssues(parsed.error));
  return parsed.data;
}
