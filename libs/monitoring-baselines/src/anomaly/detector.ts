import { hourLearning, hourReady, learnHour, learnOverall, referenceAt } from '../baseline/baseline.js';
import type { ResolvedBaselineOptions } from '../baseline/options.js';
import { type RollingStats, emptyStats, pushStats } from '../baseline/stats.js';
import type { Observation } from '../series/observe.js';
import { type CusumSide, type SeriesState, emptyCusum, measureOf } from '../series/state.js';
import type { ResolvedAnomalyOptions } from './options.js';
import { deviationSummary, levelShiftSummary } from './summary.js';
import type { AnomalyResolution, AnomalyTransition, BaselineReference, CusumEvidence, MetricAnomaly } from './types.js';

/** Resolved options of both halves of the model. */
export interface ModelOptions {
  readonly baseline: ResolvedBaselineOptions;
  readonly anomaly: ResolvedAnomalyOptions;
}

/**
 * Judges one observation of a series against its baseline, then learns from it if it was normal.
 * A pure state machine per series (the only time is the observation's), so replaying the same points
 * gives the same baselines, the same anomalies and the same anomaly ids.
 *
 * - **deviation**: |z| > k for n observations in a row opens an anomaly. Deviating observations are
 *   held back, not learned: if the streak breaks before n they were ordinary variation and are
 *   learned then; if it reaches n, nothing enters the baseline while the anomaly is open, so it is
 *   judged against the baseline from before it and recovery means coming back to it (as the quality
 *   issue detector does). The one exception is an hour-of-day bucket still learning, which takes
 *   every value of its hour (see hourLearning).
 * - **level_shift**: a two-sided tabular CUSUM (Page 1954, "Continuous inspection schemes",
 *   Biometrika 41; in the form of Montgomery, "Introduction to Statistical Quality Control", §9.1) on
 *   the z-scores of the observations within k σ: C⁺ = max(0, C⁺ + z − K), C⁻ = max(0, C⁻ − z − K),
 *   alarm when one exceeds H. It sees sustained shifts of 1.5–3 σ that never cross k σ; larger ones are
 *   deviations (the CUSUM does not see observations beyond k σ, so a spike is never a level shift).
 * - Either kind resolves when a CUSUM of its side (restarted at a cap, see recoveryCap) is back at 0,
 *   i.e. the series has been at the old level for a few observations.
 * - Either kind open for `adaptAfterPoints` observations is **adapted** to: the baseline moves to the
 *   level seen while it was open (see rebase) and the anomaly resolves as `adapted`.
 *
 * At most one anomaly is open per series, and only transitions are returned.
 */
export function judge(state: SeriesState, obs: Observation, o: ModelOptions): AnomalyTransition | undefined {
  state.points += 1;
  state.lastAt = obs.at;
  state.lastValue = obs.value;
  // The reference is taken before the value is learned anywhere: a value is never part of its own baseline.
  const ref = referenceAt(state.baseline, obs.at, o.baseline);
  const hourLearned = hourLearning(state.baseline, obs.at, o.baseline);
  if (hourLearned) learnHour(state.baseline, obs.at, obs.value, o.baseline);
  if (!ref) {
    // Warming up: too little history to judge anything.
    learnOverall(state.baseline, obs.value, o.baseline);
    return undefined;
  }
  const z = (obs.value - ref.mean) / ref.stdDev;
  const det = state.detector;
  if (det.open) return judgeWhileOpen(state, det.open, obs, z, o);

  const a = o.anomaly;
  if (deviates(z, a)) {
    det.streak.push({ at: obs.at, from: obs.from, value: obs.value, zScore: z, hourLearned });
    if (det.streak.length < a.deviationPoints) return undefined;
    const anomaly = openDeviation(state, obs, z, ref, a);
    const shadow = emptyStats();
    for (const p of det.streak) pushStats(shadow, p.value, o.baseline.alpha);
    settle(state, anomaly, shadow);
    const side = anomaly.direction === 'up' ? det.cusumUp : det.cusumDown;
    Object.assign(side, { s: recoveryCap(anomaly, a), points: anomaly.badPoints, since: anomaly.openedAt });
    return { kind: 'opened', anomaly };
  }
  // Back within k σ: a streak that did not last was ordinary variation after all.
  for (const p of det.streak) learnGood(state, p.at, p.value, p.hourLearned, o);
  det.streak = [];
  if (a.levelShift) {
    const shift = advanceCusum(state, z, obs.at, a);
    if (shift) {
      const anomaly = openLevelShift(state, obs, z, ref, shift, a);
      const shadow = emptyStats();
      pushStats(shadow, obs.value, o.baseline.alpha);
      const side = shift === 'up' ? det.cusumUp : det.cusumDown;
      const kept = { ...side, s: Math.min(side.s, a.cusumThreshold) };
      settle(state, anomaly, shadow);
      // Keep the alarmed side, capped at H, to tell when the series is back; the other starts afresh.
      if (shift === 'up') det.cusumUp = kept;
      else det.cusumDown = kept;
      return { kind: 'opened', anomaly };
    }
  }
  learnGood(state, obs.at, obs.value, hourLearned, o);
  return undefined;
}

/** A value judged normal enters the overall baseline, and its hour bucket unless that already took it. */
function learnGood(state: SeriesState, at: number, value: number, hourLearned: boolean, o: ModelOptions): void {
  learnOverall(state.baseline, value, o.baseline);
  if (!hourLearned) learnHour(state.baseline, at, value, o.baseline);
}

/** Beyond k σ on a side that is judged. */
function deviates(z: number, a: ResolvedAnomalyOptions): boolean {
  if (z > a.deviationStdDevs) return a.direction !== 'down';
  if (z < -a.deviationStdDevs) return a.direction !== 'up';
  return false;
}

const clamp = (z: number, k: number) => Math.max(-k, Math.min(k, z));

/** One CUSUM step on both judged sides; the side that crossed H, if any. */
function advanceCusum(state: SeriesState, z: number, at: number, a: ResolvedAnomalyOptions): 'up' | 'down' | undefined {
  const det = state.detector;
  const zc = clamp(z, a.deviationStdDevs);
  if (a.direction !== 'down' && step(det.cusumUp, zc - a.cusumSlack, at) > a.cusumThreshold) return 'up';
  if (a.direction !== 'up' && step(det.cusumDown, -zc - a.cusumSlack, at) > a.cusumThreshold) return 'down';
  return undefined;
}

function step(side: CusumSide, increment: number, at: number): number {
  const s = Math.max(0, side.s + increment);
  if (s > 0) {
    if (side.s === 0) {
      side.since = at;
      side.points = 0;
    }
    side.points += 1;
  } else {
    side.points = 0;
  }
  side.s = s;
  return s;
}

/** Starts the detector afresh (no streak, CUSUM at 0), with `anomaly` open or nothing open. */
function settle(state: SeriesState, anomaly?: MetricAnomaly, shadow?: RollingStats): void {
  const det = state.detector;
  det.streak = [];
  det.cusumUp = emptyCusum();
  det.cusumDown = emptyCusum();
  det.open = anomaly;
  det.openPoints = 0;
  det.shadow = shadow;
}

function identity(state: SeriesState) {
  return {
    seriesKey: state.key,
    service: state.service,
    metric: state.metric,
    labels: state.labels,
    metricKind: state.kind,
    measure: measureOf(state.kind),
  };
}

function openDeviation(state: SeriesState, obs: Observation, z: number, ref: BaselineReference, a: ResolvedAnomalyOptions): MetricAnomaly {
  const streak = state.detector.streak;
  const first = streak[0]!;
  const worst = streak.reduce((w, p) => (Math.abs(p.zScore) > Math.abs(w.zScore) ? p : w), first);
  return {
    id: `${state.key}:deviation:${first.at}`,
    kind: 'deviation',
    status: 'open',
    ...identity(state),
    direction: z > 0 ? 'up' : 'down',
    openedAt: first.at,
    detectedAt: obs.at,
    summary: deviationSummary(state, obs.value, z, ref, streak.length),
    evidence: {
      value: obs.value,
      zScore: z,
      baseline: ref,
      windowStart: first.from,
      windowEnd: obs.at,
      points: streak.map((p) => ({ at: p.at, value: p.value, zScore: p.zScore })),
      deviationStdDevs: a.deviationStdDevs,
      deviationPoints: a.deviationPoints,
    },
    badPoints: streak.length,
    lastBadAt: obs.at,
    worstValue: worst.value,
    worstZScore: worst.zScore,
  };
}

function openLevelShift(
  state: SeriesState,
  obs: Observation,
  z: number,
  ref: BaselineReference,
  direction: 'up' | 'down',
  a: ResolvedAnomalyOptions,
): MetricAnomaly {
  const side = direction === 'up' ? state.detector.cusumUp : state.detector.cusumDown;
  // Montgomery §9.1.2: the new mean is estimated as μ0 ± σ(K + C / N), N observations since C was 0.
  const offset = ref.stdDev * (a.cusumSlack + side.s / side.points);
  const cusum: CusumEvidence = {
    statistic: side.s,
    slack: a.cusumSlack,
    threshold: a.cusumThreshold,
    changeAt: side.since,
    pointsSinceChange: side.points,
    estimatedMean: direction === 'up' ? ref.mean + offset : ref.mean - offset,
  };
  return {
    id: `${state.key}:level_shift:${side.since}`,
    kind: 'level_shift',
    status: 'open',
    ...identity(state),
    direction,
    openedAt: side.since,
    detectedAt: obs.at,
    summary: levelShiftSummary(state, ref, cusum),
    evidence: {
      value: obs.value,
      zScore: z,
      baseline: ref,
      windowStart: side.since,
      windowEnd: obs.at,
      points: [{ at: obs.at, value: obs.value, zScore: z }],
      deviationStdDevs: a.deviationStdDevs,
      deviationPoints: a.deviationPoints,
      cusum,
    },
    badPoints: side.points,
    lastBadAt: obs.at,
    worstValue: obs.value,
    worstZScore: z,
  };
}

function judgeWhileOpen(
  state: SeriesState,
  open: MetricAnomaly,
  obs: Observation,
  z: number,
  o: ModelOptions,
): AnomalyTransition | undefined {
  const a = o.anomaly;
  const det = state.detector;
  det.openPoints += 1;
  const shadow = (det.shadow ??= emptyStats());
  pushStats(shadow, obs.value, o.baseline.alpha);

  // Recovery is judged by the CUSUM of the anomaly's side, capped (see recoveryCap): it falls to 0
  // only after values have been back at the old level for a while. Values merely back within k σ but
  // still shifted keep it up, so a 2.5σ shift that dips under k σ does not resolve and reopen.
  const up = open.direction === 'up';
  const side = up ? det.cusumUp : det.cusumDown;
  const zc = clamp(z, a.deviationStdDevs);
  side.s = Math.min(recoveryCap(open, a), Math.max(0, side.s + (up ? zc : -zc) - a.cusumSlack));
  if (side.s === 0) return resolve(state, open, obs, 'recovered');

  const bad = open.kind === 'deviation' ? deviates(z, a) : up ? z > a.cusumSlack : z < -a.cusumSlack;
  if (bad) {
    const worse = Math.abs(z) > Math.abs(open.worstZScore);
    det.open = {
      ...open,
      badPoints: open.badPoints + 1,
      lastBadAt: obs.at,
      ...(worse ? { worstValue: obs.value, worstZScore: z } : {}),
    };
  }
  if (det.openPoints >= a.adaptAfterPoints) {
    rebase(state, open.evidence.baseline, shadow, o);
    return resolve(state, det.open ?? open, obs, 'adapted');
  }
  return undefined;
}

/**
 * Where the recovery CUSUM of an open anomaly starts and stays at most: recoveryPoints · K for a
 * deviation (about recoveryPoints values back at the baseline resolve it), H for a level shift (its
 * evidence per value is weaker, so it needs more of them to be called over).
 */
function recoveryCap(open: MetricAnomaly, a: ResolvedAnomalyOptions): number {
  return open.kind === 'deviation' ? a.recoveryPoints * a.cusumSlack : a.cusumThreshold;
}

/**
 * Accepts the level seen while an anomaly was open as the new normal: the overall baseline and every
 * ready hour bucket move by the difference between that level and the baseline the anomaly was judged
 * against (so a seasonal series keeps its daily shape around the new level), and their variances widen
 * to the new level's when it is noisier. Hour buckets still learning took the values already.
 */
function rebase(state: SeriesState, judgedAgainst: BaselineReference, level: RollingStats, o: ModelOptions): void {
  const shift = level.mean - judgedAgainst.mean;
  const { overall, hours } = state.baseline;
  overall.mean += shift;
  overall.variance = Math.max(overall.variance, level.variance);
  for (const bucket of hours) {
    if (!hourReady(bucket, o.baseline)) continue;
    bucket.mean += shift;
    bucket.variance = Math.max(bucket.variance, level.variance);
  }
}

function resolve(state: SeriesState, open: MetricAnomaly, obs: Observation, resolution: AnomalyResolution): AnomalyTransition {
  const anomaly: MetricAnomaly = { ...open, status: 'resolved', resolvedAt: obs.at, resolution, resolvedValue: obs.value };
  settle(state);
  return { kind: 'resolved', anomaly };
}
