import { z } from 'zod';
import { invalid } from '../errors.js';
import { zodIssues } from '../validate-options.js';

const labels = z.record(z.string(), z.string());
const time = z.number().finite();
/** JSON has no NaN or ±Infinity (Prometheus has NaN samples): JSON.stringify writes null, read back as NaN. */
const sampleValue = z.union([z.number(), z.nan(), z.null()]).transform((v) => v ?? Number.NaN);

const alert = z.strictObject({
  rule: z.string(),
  alertId: z.string(),
  state: z.enum(['pending', 'firing']),
  severity: z.enum(['info', 'warning', 'critical']),
  labels,
  annotations: labels,
  value: z.number().nullable(),
  activeSince: time,
  firedAt: time.nullable(),
  keepFiringSince: time.nullable(),
});

const snapshotSchema = z.strictObject({
  version: z.literal(1),
  rules: z.array(z.strictObject({ name: z.string(), startedAt: time, seen: z.boolean() })),
  alerts: z.array(alert),
  series: z.array(
    z.strictObject({ metric: z.string(), labels, lastSeen: time, samples: z.array(z.tuple([time, sampleValue])) }),
  ),
  signals: z.array(z.strictObject({ metric: z.string(), labels, time, value: sampleValue, score: z.number() })),
});

/**
 * Everything an evaluator needs to resume after a restart: alert states (so `for` keeps counting and
 * nothing fires twice), the samples inside rate windows and the last sighting of each series.
 * Plain JSON; non-finite sample values are written as null by JSON.stringify and read back as NaN.
 */
export type AlertEvaluatorSnapshot = z.input<typeof snapshotSchema>;
export type SnapshotAlert = z.infer<typeof alert>;

export function parseEvaluatorSnapshot(value: unknown): z.output<typeof snapshotSchema> {
  const parsed = snapshotSchema.safeParse(value);
  if (!parsed.success) throw invalid('TRIB_ALERT_SNAPSHOT_INVALID', 'alert evaluator snapshot', zodIssues(parsed.error));
  return parsed.data;
}
