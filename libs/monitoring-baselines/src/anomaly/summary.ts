import type { SeriesState } from '../series/state.js';
import { measureOf } from '../series/state.js';
import type { BaselineReference, CusumEvidence } from './types.js';

/** A number for people: 4 significant digits, no exponent for ordinary magnitudes. */
export function formatNumber(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1e-3 && abs < 1e9) return String(Number(value.toPrecision(4)));
  return value.toExponential(3);
}

/** `service metric{name="value",…}` as Prometheus prints a series. */
export function seriesTitle(state: Pick<SeriesState, 'service' | 'metric' | 'labels'>): string {
  const labels = Object.entries(state.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${state.service} ${state.metric}${labels.length > 0 ? `{${labels.join(',')}}` : ''}`;
}

function baselineText(ref: BaselineReference): string {
  const which = ref.source === 'hour' ? `hour-${ref.hour ?? '?'} baseline` : 'baseline';
  return `${which} ${formatNumber(ref.mean)} ± ${formatNumber(ref.stdDev)}`;
}

export function deviationSummary(state: SeriesState, value: number, zScore: number, ref: BaselineReference, points: number): string {
  const side = zScore > 0 ? 'above' : 'below';
  return `${seriesTitle(state)}: ${measureOf(state.kind)} ${formatNumber(value)} is ${formatNumber(Math.abs(zScore))}σ ${side} its ${baselineText(ref)} for ${points} intervals in a row`;
}

export function levelShiftSummary(state: SeriesState, ref: BaselineReference, cusum: CusumEvidence): string {
  const side = cusum.estimatedMean > ref.mean ? 'up' : 'down';
  return `${seriesTitle(state)}: ${measureOf(state.kind)} shifted ${side} from its ${baselineText(ref)} to about ${formatNumber(cusum.estimatedMean)} since ${new Date(cusum.changeAt).toISOString()}`;
}
