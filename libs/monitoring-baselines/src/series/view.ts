import type { MetricAnomaly } from '../anomaly/types.js';
import { hourReady } from '../baseline/baseline.js';
import type { ResolvedBaselineOptions } from '../baseline/options.js';
import type { SeriesState } from './state.js';
import { measureOf } from './state.js';
import type { MetricKind } from './types.js';

/** One hour-of-day bucket as people read it. */
export interface HourBaselineView {
  readonly hour: number;
  readonly points: number;
  readonly mean: number;
  readonly stdDev: number;
  readonly days: number;
  /** Enough history (seasonalMinPoints, seasonalMinDays) to be judged against. */
  readonly ready: boolean;
}

/** The baseline of one series as people (and the manager's API) read it. */
export interface BaselineView {
  readonly seriesKey: string;
  readonly service: string;
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly kind: MetricKind;
  readonly measure: 'rate' | 'value' | 'mean';
  /** Observations in the overall rolling statistics. */
  readonly points: number;
  readonly mean: number;
  /** The rolling (weighted population) standard deviation, before any floor. */
  readonly stdDev: number;
  /** Past the warm-up (minPoints): values are judged. */
  readonly ready: boolean;
  readonly lastAt?: number;
  readonly lastValue?: number;
  /** Hours that saw values, in hour order. */
  readonly hours: readonly HourBaselineView[];
  readonly openAnomaly?: MetricAnomaly;
}

export function baselineView(state: SeriesState, o: ResolvedBaselineOptions): BaselineView {
  const { overall, hours } = state.baseline;
  return {
    seriesKey: state.key,
    service: state.service,
    metric: state.metric,
    labels: state.labels,
    kind: state.kind,
    measure: measureOf(state.kind),
    points: overall.n,
    mean: overall.mean,
    stdDev: Math.sqrt(overall.variance),
    ready: overall.n >= o.minPoints,
    ...(state.lastAt !== undefined ? { lastAt: state.lastAt } : {}),
    ...(state.lastValue !== undefined ? { lastValue: state.lastValue } : {}),
    hours: hours.flatMap((b, hour) =>
      b ? [{ hour, points: b.n, mean: b.mean, stdDev: Math.sqrt(b.variance), days: b.days, ready: o.seasonality && hourReady(b, o) }] : [],
    ),
    ...(state.detector.open ? { openAnomaly: state.detector.open } : {}),
  };
}
