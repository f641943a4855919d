import { AlertingError } from '../errors.js';
import { type Labels, canonicalLabels, fingerprint, labelsKey } from '../labels/index.js';
import { type AlertRule, renderAnnotations } from '../rules/index.js';
import { evaluateRule } from './conditions.js';
import { type AlertEvaluatorOptions, type ResolvedAlertEvaluatorOptions, resolveAlertEvaluatorOptions } from './options.js';
import { type RuleMetrics, ruleMetrics } from './rule-metrics.js';
import { type SeriesState, SeriesIndex, type SignalState, addSample, trimSamples } from './series-store.js';
import { type AlertEvaluatorSnapshot, type SnapshotAlert, parseEvaluatorSnapshot } from './snapshot.js';
import type { ActiveAlert, AlertEvaluatorStats, AlertStateChange, AnomalySignal, SeriesSample } from './types.js';

type AlertInstance = SnapshotAlert;

function isLabelRecord(value: unknown): value is Labels {
  return typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string');
}

function checkInput(what: string, input: { metric: unknown; labels: unknown; time: unknown; value: unknown }, extra?: [string, unknown]): void {
  const problems: string[] = [];
  if (typeof input.metric !== 'string' || input.metric === '') problems.push('metric must be a non-empty string');
  if (!isLabelRecord(input.labels)) problems.push('labels must map names to strings');
  if (typeof input.value !== 'number') problems.push('value must be a number');
  if (typeof input.time !== 'number' || !Number.isFinite(input.time)) problems.push('time must be epoch milliseconds');
  if (extra !== undefined && (typeof extra[1] !== 'number' || Number.isNaN(extra[1]))) problems.push(`${extra[0]} must be a number`);
  if (problems.length > 0) {
    throw new AlertingError('TRIB_ALERT_SAMPLE_INVALID', `invalid ${what}: ${problems.join('; ')}`, {
      issues: problems.map((message) => ({ path: message.split(' ')[0] as string, message })),
    });
  }
}

/**
 * Evaluates alert rules over the samples and anomaly signals it is fed, Prometheus-style: a rule's
 * condition holding for a series makes a pending alert, which fires once it has held for `for`;
 * when the condition stops holding a firing alert resolves (after `keep_firing_for`, if set) and a
 * pending one is dropped. Pure and synchronous: no timers, no I/O; the caller feeds data and calls
 * `evaluate(now)` on its own schedule, and publishes the transitions it returns.
 *
 * A pending alert that is dropped yields `resolved` with `previousState: 'pending'` (Prometheus
 * drops it silently): a read model of `tributary.monitoring.alerts` then never keeps a phantom
 * pending alert. The dispatcher never notifies such an alert.
 */
export class AlertEvaluator {
  readonly #options: ResolvedAlertEvaluatorOptions;
  #rules: readonly AlertRule[] = [];
  /** Which metrics the rules read (samples, anomaly signals): rebuilt with the rules by setRules. */
  #reads: RuleMetrics = ruleMetrics([]);
  readonly #ruleStates = new Map<string, { startedAt: number; seen: boolean }>();
  /** Alerts by rule name, then alert id. */
  readonly #alerts = new Map<string, Map<string, AlertInstance>>();
  readonly #samples: SeriesIndex<SeriesState>;
  readonly #signals: SeriesIndex<SignalState>;

  constructor(rules: readonly AlertRule[], options: Partial<AlertEvaluatorOptions> = {}) {
    this.#options = resolveAlertEvaluatorOptions(options);
    this.#samples = new SeriesIndex(this.#options.maxSeries);
    this.#signals = new SeriesIndex(this.#options.maxSeries);
    this.setRules(rules);
  }

  /**
   * Replaces the rules (e.g. after an edit through CPM). Alerts of rules that keep their name carry
   * on; alerts of removed rules resolve at the next evaluation.
   */
  setRules(rules: readonly AlertRule[]): void {
    this.#rules = rules;
    this.#reads = ruleMetrics(rules);
  }

  /**
   * Whether some rule reads samples of `metric` (a threshold, rate-of-change or absent rule on it).
   * When not, `observe` of such a sample changes nothing: a caller on a hot path asks this first and
   * saves building the sample (copying its labels) and having it checked.
   */
  readsSamples(metric: string): boolean {
    return this.#reads.sampleWindows.has(metric);
  }

  /** Whether some anomaly rule reads anomaly signals of `metric`; when not, `observeAnomaly` changes nothing. */
  readsSignals(metric: string): boolean {
    return this.#reads.signalMetrics.has(metric);
  }

  /**
   * Feeds one sample. Returns false when no rule reads its metric or the series limit refused it.
   * A malformed sample is refused (TRIB_ALERT_SAMPLE_INVALID) whether or not a rule reads it.
   */
  observe(sample: SeriesSample): boolean {
    checkInput('sample', sample);
    if (!this.#reads.sampleWindows.has(sample.metric)) return false;
    const state = this.#samples.get(sample.metric, sample.labels, (labels) => ({ labels, times: [], values: [], lastSeen: sample.time }));
    if (state === undefined) return false;
    addSample(state, sample.time, sample.value, this.#options.maxSamplesPerSeries);
    return true;
  }

  /** Feeds the latest anomaly score of a series. Returns false when no anomaly rule reads its metric. */
  observeAnomaly(signal: AnomalySignal): boolean {
    checkInput('anomaly signal', signal, ['score', signal.score]);
    if (!this.#reads.signalMetrics.has(signal.metric)) return false;
    const state = this.#signals.get(signal.metric, signal.labels, (labels) => ({ labels, time: signal.time, value: signal.value, score: signal.score }));
    if (state === undefined) return false;
    if (signal.time >= state.time) Object.assign(state, { time: signal.time, value: signal.value, score: signal.score });
    return true;
  }

  /** Forgets the series of `metric` whose labels include all of `labels`; their alerts resolve at the next evaluation. */
  forgetSeries(metric: string, labels: Labels = {}): number {
    const includes = (state: { labels: Labels }) => Object.entries(labels).every(([n, v]) => state.labels[n] === v);
    const keep = () => true;
    return (
      this.#samples.prune(keep, (m, s) => m === metric && includes(s)) + this.#signals.prune(keep, (m, s) => m === metric && includes(s))
    );
  }

  /** Evaluates every rule at `now` (epoch ms) and returns the transitions, rule by rule. */
  evaluate(now: number): AlertStateChange[] {
    this.#prune(now);
    const changes: AlertStateChange[] = [];
    const names = new Set<string>();
    for (const rule of this.#rules) {
      names.add(rule.name);
      changes.push(...this.#evaluateRule(rule, now));
    }
    for (const [name, alerts] of this.#alerts) {
      if (names.has(name)) continue;
      for (const alert of alerts.values()) changes.push(this.#change(alert, 'resolved', now, alert.value));
      this.#alerts.delete(name);
      this.#ruleStates.delete(name);
    }
    return changes;
  }

  #evaluateRule(rule: AlertRule, now: number): AlertStateChange[] {
    let ruleState = this.#ruleStates.get(rule.name);
    if (ruleState === undefined) {
      ruleState = { startedAt: now, seen: false };
      this.#ruleStates.set(rule.name, ruleState);
    }
    const elements = evaluateRule(rule, { now, stalenessMs: this.#options.staleness, samples: this.#samples, signals: this.#signals, ruleState });
    const current = new Map<string, { labels: Labels; value: number | null; active: boolean }>();
    for (const element of elements) {
      const labels = canonicalLabels({ ...element.labels, ...rule.labels, alertname: rule.name, severity: rule.severity });
      const alertId = fingerprint(labels);
      // Two series that collapse onto one label set (rule labels overwrote what told them apart)
      // are one alert, as Prometheus would refuse them: the first wins.
      if (!current.has(alertId)) current.set(alertId, { labels, value: element.value, active: element.active });
    }
    let alerts = this.#alerts.get(rule.name);
    if (alerts === undefined) {
      alerts = new Map();
      this.#alerts.set(rule.name, alerts);
    }
    const changes: { key: string; change: AlertStateChange }[] = [];
    for (const [alertId, element] of current) {
      if (!element.active) continue;
      const annotations = renderAnnotations(rule.annotations, element.labels, element.value);
      const alert = alerts.get(alertId);
      if (alert === undefined) {
        const created: AlertInstance = {
          rule: rule.name,
          alertId,
          state: rule.forMs === 0 ? 'firing' : 'pending',
          severity: rule.severity,
          labels: element.labels,
          annotations,
          value: element.value,
          activeSince: now,
          firedAt: rule.forMs === 0 ? now : null,
          keepFiringSince: null,
        };
        alerts.set(alertId, created);
        changes.push({ key: labelsKey(element.labels), change: this.#change(created, created.state, now, element.value, null) });
        continue;
      }
      Object.assign(alert, { value: element.value, annotations, keepFiringSince: null, severity: rule.severity });
      if (alert.state === 'pending' && now - alert.activeSince >= rule.forMs) {
        Object.assign(alert, { state: 'firing', firedAt: now });
        changes.push({ key: labelsKey(alert.labels), change: this.#change(alert, 'firing', now, element.value, 'pending') });
      }
    }
    for (const [alertId, alert] of alerts) {
      const element = current.get(alertId);
      if (element?.active === true) continue;
      if (alert.state === 'firing' && rule.keepFiringForMs > 0) {
        alert.keepFiringSince ??= now;
        if (now - alert.keepFiringSince < rule.keepFiringForMs) continue;
      }
      alerts.delete(alertId);
      changes.push({ key: labelsKey(alert.labels), change: this.#change(alert, 'resolved', now, element?.value ?? null) });
    }
    return changes.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((c) => c.change);
  }

  #change(
    alert: AlertInstance,
    state: 'pending' | 'firing' | 'resolved',
    now: number,
    value: number | null,
    previousState: 'pending' | 'firing' | null = alert.state,
  ): AlertStateChange {
    return {
      alertId: alert.alertId,
      alertName: alert.rule,
      state,
      previousState,
      severity: alert.severity,
      labels: { ...alert.labels },
      annotations: { ...alert.annotations },
      value,
      activeSince: state === 'resolved' ? null : alert.activeSince,
      changedAt: now,
    };
  }

  #prune(now: number): void {
    const retention = this.#options.seriesRetention;
    const { sampleWindows, signalMetrics } = this.#reads;
    this.#samples.prune(
      (metric) => sampleWindows.has(metric),
      (metric, state) => {
        trimSamples(state, sampleWindows.get(metric) ?? 0);
        return now - state.lastSeen > retention;
      },
    );
    this.#signals.prune(
      (metric) => signalMetrics.has(metric),
      (_metric, state) => now - state.time > retention,
    );
  }

  /** The pending and firing alerts, in rule order. */
  activeAlerts(): ActiveAlert[] {
    const out: ActiveAlert[] = [];
    for (const alerts of this.#alerts.values()) {
      for (const a of alerts.values()) {
        out.push({
          alertId: a.alertId,
          alertName: a.rule,
          state: a.state,
          severity: a.severity,
          labels: { ...a.labels },
          annotations: { ...a.annotations },
          value: a.value,
          activeSince: a.activeSince,
          firedAt: a.firedAt,
          keepFiringSince: a.keepFiringSince,
        });
      }
    }
    return out;
  }

  get stats(): AlertEvaluatorStats {
    let pending = 0;
    let firing = 0;
    for (const alerts of this.#alerts.values()) {
      for (const a of alerts.values()) {
        if (a.state === 'firing') firing++;
        else pending++;
      }
    }
    return {
      series: this.#samples.size,
      anomalySeries: this.#signals.size,
      refusedSeries: this.#samples.refused + this.#signals.refused,
      pendingAlerts: pending,
      firingAlerts: firing,
    };
  }

  /** State as plain JSON (see AlertEvaluatorSnapshot). */
  snapshot(): AlertEvaluatorSnapshot {
    return {
      version: 1,
      rules: [...this.#ruleStates].map(([name, s]) => ({ name, startedAt: s.startedAt, seen: s.seen })),
      alerts: [...this.#alerts.values()].flatMap((alerts) =>
        [...alerts.values()].map((a) => ({ ...a, labels: { ...a.labels }, annotations: { ...a.annotations } })),
      ),
      series: [...this.#samples.entries()].map(([metric, s]) => ({
        metric,
        labels: { ...s.labels },
        lastSeen: s.lastSeen,
        samples: s.times.map((t, i): [number, number] => [t, s.values[i] as number]),
      })),
      signals: [...this.#signals.entries()].map(([metric, s]) => ({ metric, labels: { ...s.labels }, time: s.time, value: s.value, score: s.score })),
    };
  }

  /**
   * Replaces the state with a snapshot (validated: TRIB_ALERT_SNAPSHOT_INVALID when malformed).
   * Samples of metrics no rule reads are dropped at the next evaluation, alerts of rules that no
   * longer exist resolve then.
   */
  restore(snapshot: unknown): void {
    const parsed = parseEvaluatorSnapshot(snapshot);
    this.#ruleStates.clear();
    this.#alerts.clear();
    this.#samples.prune(() => false, () => true);
    this.#signals.prune(() => false, () => true);
    for (const r of parsed.rules) this.#ruleStates.set(r.name, { startedAt: r.startedAt, seen: r.seen });
    for (const a of parsed.alerts) {
      let alerts = this.#alerts.get(a.rule);
      if (alerts === undefined) {
        alerts = new Map();
        this.#alerts.set(a.rule, alerts);
      }
      alerts.set(a.alertId, a);
    }
    for (const s of parsed.series) {
      const state = this.#samples.get(s.metric, s.labels, (labels) => ({ labels, times: [], values: [], lastSeen: s.lastSeen }));
      if (state === undefined) continue;
      for (const [t, v] of s.samples) addSample(state, t, v, this.#options.maxSamplesPerSeries);
      state.lastSeen = Math.max(state.lastSeen, s.lastSeen);
    }
    for (const s of parsed.signals) this.#signals.get(s.metric, s.labels, (labels) => ({ labels, time: s.time, value: s.value, score: s.score }));
  }
}
