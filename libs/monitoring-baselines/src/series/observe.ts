import type { ResolvedBaselineOptions } from '../baseline/options.js';
import type { SeriesState } from './state.js';
import type { MetricPoint } from './types.js';

/** One value of a series to judge and learn: a counter's rate, a gauge's value, a histogram's mean. */
export interface Observation {
  /** Time of the sample. */
  readonly at: number;
  /** Start of the interval the value covers: the instance's previous sample (or `at` for a first gauge sample). */
  readonly from: number;
  readonly value: number;
}

/** Why a point was refused; undefined when it is usable. */
export function pointProblem(point: MetricPoint): string | undefined {
  if (typeof point !== 'object' || point === null) return 'not an object';
  if (typeof point.service !== 'string' || point.service === '') return 'service must be a non-empty string';
  if (typeof point.metric !== 'string' || point.metric === '') return 'metric must be a non-empty string';
  if (typeof point.instance !== 'string') return 'instance must be a string';
  if (point.kind !== 'counter' && point.kind !== 'gauge' && point.kind !== 'histogram') return `unknown kind ${String(point.kind)}`;
  if (typeof point.labels !== 'object' || point.labels === null) return 'labels must be an object';
  for (const name in point.labels) if (typeof point.labels[name] !== 'string') return 'label values must be strings';
  if (!Number.isFinite(point.observedAt)) return 'observedAt must be a finite epoch-ms time';
  if (!Number.isFinite(point.value)) return 'value must be a finite number';
  if (point.kind === 'counter' && point.value < 0) return 'a counter total cannot be negative';
  if (point.kind === 'histogram') {
    const count = point.count;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) return 'a histogram needs a non-negative integer count';
  }
  return undefined;
}

/**
 * Turns one valid sample into the observation it contributes, updating the instance's cursor:
 *
 * - gauge: the value itself;
 * - counter: the rate per second since the instance's previous sample. A total lower than the
 *   previous one is a counter reset (the process restarted and counts from 0), and the delta is then
 *   the new total, as Prometheus' rate() does. The first sample of an instance only sets the cursor;
 * - histogram: the mean observation of the interval, Δsum / Δcount (chosen over a quantile estimated
 *   from bucket deltas: it is exact, needs two numbers of state instead of every bucket, and does not
 *   jump between bucket bounds). A count lower than the previous one is a reset; an interval with no
 *   new observation has no mean and gives nothing.
 *
 * Samples must be newer than the instance's previous one: a duplicate or older sample (at-least-once
 * delivery, overlapping replays) is ignored, so replaying history twice cannot count an interval twice.
 * Instances not seen for `instanceIdleMs` before this sample are forgotten.
 */
export function observe(state: SeriesState, point: MetricPoint, o: ResolvedBaselineOptions): Observation | undefined {
  const at = point.observedAt;
  const previous = state.instances.get(point.instance);
  if (previous && at <= previous.at) return undefined;
  if (state.instances.size > (previous ? 1 : 0)) forgetIdle(state, at - o.instanceIdleMs);

  if (point.kind === 'gauge') {
    state.instances.set(point.instance, { at, value: point.value });
    return { at, from: previous?.at ?? at, value: point.value };
  }
  if (point.kind === 'counter') {
    state.instances.set(point.instance, { at, value: point.value });
    if (!previous) return undefined;
    const delta = point.value >= previous.value ? point.value - previous.value : point.value;
    return { at, from: previous.at, value: (delta * 1000) / (at - previous.at) };
  }
  const count = point.count ?? 0;
  state.instances.set(point.instance, { at, value: point.value, count });
  if (!previous || previous.count === undefined) return undefined;
  const reset = count < previous.count;
  const observations = reset ? count : count - previous.count;
  if (observations === 0) return undefined;
  const sum = reset ? point.value : point.value - previous.value;
  return { at, from: previous.at, value: sum / observations };
}

function forgetIdle(state: SeriesState, before: number): void {
  for (const [instance, cursor] of state.instances) if (cursor.at < before) state.instances.delete(instance);
}
