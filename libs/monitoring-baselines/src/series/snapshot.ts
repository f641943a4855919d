import { z } from 'zod';
import type { MetricAnomaly } from '../anomaly/types.js';
import type { HourBucket } from '../baseline/seasonal.js';
import { HOURS_PER_DAY } from '../baseline/seasonal.js';
import type { RollingStats } from '../baseline/stats.js';
import { BaselineError } from '../errors.js';
import { zodIssues } from '../validate-options.js';
import { seriesKey } from './key.js';
import type { CusumSide, SeriesState, StreakPoint } from './state.js';
import type { MetricKind } from './types.js';

/**
 * Everything known about one series as plain JSON (what the store writes under `state`): identity,
 * per-instance cursors, the overall and hour-of-day baselines, and the detector (streak, CUSUM, open
 * anomaly), so a restored series carries on exactly where it stopped.
 */
export interface SeriesSnapshot {
  readonly version: 1;
  readonly key: string;
  readonly service: string;
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly kind: MetricKind;
  readonly instances: readonly { readonly instance: string; readonly at: number; readonly value: number; readonly count?: number }[];
  readonly overall: Readonly<RollingStats>;
  /** 24 entries, index = hour of the day, null for an hour that saw no value. */
  readonly hours: readonly (Readonly<HourBucket> | null)[];
  readonly points: number;
  readonly lastAt?: number;
  readonly lastValue?: number;
  readonly detector: {
    readonly streak: readonly Readonly<StreakPoint>[];
    readonly cusumUp: Readonly<CusumSide>;
    readonly cusumDown: Readonly<CusumSide>;
    readonly open?: MetricAnomaly;
    readonly openPoints: number;
    readonly shadow?: Readonly<RollingStats>;
  };
}

/** A deep copy of `state` as JSON-ready data: it never aliases live (mutable) state. */
export function toSnapshot(state: SeriesState): SeriesSnapshot {
  const det = state.detector;
  const { overall, hours } = state.baseline;
  return {
    version: 1,
    key: state.key,
    service: state.service,
    metric: state.metric,
    labels: state.labels,
    kind: state.kind,
    instances: [...state.instances].map(([instance, c]) => (c.count === undefined ? { instance, at: c.at, value: c.value } : { instance, at: c.at, value: c.value, count: c.count })),
    overall: { n: overall.n, mean: overall.mean, variance: overall.variance },
    hours: hours.map((b) => (b ? { n: b.n, mean: b.mean, variance: b.variance, days: b.days, lastDay: b.lastDay } : null)),
    points: state.points,
    ...(state.lastAt !== undefined ? { lastAt: state.lastAt } : {}),
    ...(state.lastValue !== undefined ? { lastValue: state.lastValue } : {}),
    detector: {
      streak: det.streak.map((p) => ({ ...p })),
      cusumUp: { ...det.cusumUp },
      cusumDown: { ...det.cusumDown },
      // Anomalies are never mutated (each change makes a new object), so sharing one is safe.
      ...(det.open ? { open: det.open } : {}),
      openPoints: det.openPoints,
      ...(det.shadow ? { shadow: { ...det.shadow } } : {}),
    },
  };
}

const finite = z.number().finite();
const count = z.number().int().nonnegative();
const stats = z.strictObject({ n: count, mean: finite, variance: finite.nonnegative() });
const labels = z.record(z.string(), z.string());
const kind = z.enum(['counter', 'gauge', 'histogram']);
const cusum = z.strictObject({ s: finite.nonnegative(), points: count, since: finite });
const judged = z.strictObject({ at: finite, value: finite, zScore: finite });
const reference = z.strictObject({
  mean: finite,
  stdDev: finite.positive(),
  points: count,
  source: z.enum(['overall', 'hour']),
  hour: z.number().int().min(0).max(23).optional(),
});

const anomaly = z.strictObject({
  id: z.string().min(1),
  kind: z.enum(['deviation', 'level_shift']),
  status: z.literal('open'),
  seriesKey: z.string().min(1),
  service: z.string().min(1),
  metric: z.string().min(1),
  labels,
  metricKind: kind,
  measure: z.enum(['rate', 'value', 'mean']),
  direction: z.enum(['up', 'down']),
  openedAt: finite,
  detectedAt: finite,
  summary: z.string(),
  evidence: z.strictObject({
    value: finite,
    zScore: finite,
    baseline: reference,
    windowStart: finite,
    windowEnd: finite,
    points: z.array(judged),
    deviationStdDevs: finite,
    deviationPoints: count,
    cusum: z
      .strictObject({
        statistic: finite,
        slack: finite,
        threshold: finite,
        changeAt: finite,
        pointsSinceChange: count,
        estimatedMean: finite,
      })
      .optional(),
  }),
  badPoints: count,
  lastBadAt: finite,
  worstValue: finite,
  worstZScore: finite,
});

const schema = z.strictObject({
  version: z.literal(1),
  key: z.string().min(1),
  service: z.string().min(1),
  metric: z.string().min(1),
  labels,
  kind,
  instances: z.array(z.strictObject({ instance: z.string(), at: finite, value: finite, count: count.optional() })),
  overall: stats,
  hours: z
    .array(z.strictObject({ n: count, mean: finite, variance: finite.nonnegative(), days: count, lastDay: z.number().int() }).nullable())
    .length(HOURS_PER_DAY),
  points: count,
  lastAt: finite.optional(),
  lastValue: finite.optional(),
  detector: z.strictObject({
    streak: z.array(z.strictObject({ at: finite, from: finite, value: finite, zScore: finite, hourLearned: z.boolean() })),
    cusumUp: cusum,
    cusumDown: cusum,
    open: anomaly.optional(),
    openPoints: count,
    shadow: stats.optional(),
  }),
});

/**
 * A stored snapshot (JSON text already parsed), checked against the shape `toSnapshot` writes and
 * against its own key (a key built by another version of seriesKey is not this series). Throws
 * TRIB_BASELINE_SNAPSHOT_INVALID.
 */
export function parseSeriesSnapshot(input: unknown): SeriesSnapshot {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issues = zodIssues(result.error);
    throw new BaselineError('TRIB_BASELINE_SNAPSHOT_INVALID', `invalid series snapshot: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
  }
  const s = result.data;
  const expected = seriesKey(s);
  if (expected !== s.key) {
    throw new BaselineError('TRIB_BASELINE_SNAPSHOT_INVALID', `series snapshot ${JSON.stringify(s.key)} does not match its identity (${JSON.stringify(expected)})`, {
      issues: [{ path: 'key', message: `expected ${expected}` }],
    });
  }
  return s;
}

/** The live (mutable) state of a validated snapshot; shares nothing mutable with it. */
export function fromSnapshot(s: SeriesSnapshot): SeriesState {
  const det = s.detector;
  return {
    key: s.key,
    service: s.service,
    metric: s.metric,
    labels: s.labels,
    kind: s.kind,
    instances: new Map(s.instances.map((c) => [c.instance, c.count === undefined ? { at: c.at, value: c.value } : { at: c.at, value: c.value, count: c.count }])),
    baseline: { overall: { ...s.overall }, hours: s.hours.map((b) => (b ? { ...b } : null)) },
    points: s.points,
    lastAt: s.lastAt,
    lastValue: s.lastValue,
    detector: {
      streak: det.streak.map((p) => ({ ...p })),
      cusumUp: { ...det.cusumUp },
      cusumDown: { ...det.cusumDown },
      open: det.open,
      openPoints: det.openPoints,
      shadow: det.shadow ? { ...det.shadow } : undefined,
    },
  };
}
