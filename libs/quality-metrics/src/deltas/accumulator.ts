import type { DataRecord } from '@tributary/pipelines';
import { QualityMetricsError } from '../errors.js';
import { addSample, compareText, limitFields, resolveRuleAttributes } from './canonical.js';
import { LAG_BUCKET_COUNT, lagBucketIndex, trimTrailingZeros } from './lag-buckets.js';
import { type QualityDeltaAccumulatorOptions, type ResolvedAccumulatorOptions, resolveAccumulatorOptions } from './options.js';
import type { EvaluatedRecord, FieldDeltaCounts, QualityWindowDelta, RuleDeltaCounts, RuleFailure } from './types.js';

interface FieldCounts {
  nonNull: number;
  failed: number;
  warned: number;
}

interface RuleCounts {
  ruleType: string;
  severity: 'error' | 'warn';
  field: string | null;
  failures: number;
  records: number;
  readonly samples: string[];
}

interface FreshnessCounts {
  withinSla: number;
  lagSumMs: number;
  lagMaxMs: number;
  readonly lagBuckets: number[];
}

/** The running counts of one window since the last drain. */
interface WindowCounts {
  records: number;
  passed: number;
  warned: number;
  quarantined: number;
  readonly fields: Map<string, FieldCounts>;
  /** Untracked names in `fields`, and the largest of them once at the limit (evicted first). */
  untracked: number;
  largestUntracked: string | undefined;
  readonly rules: Map<string, RuleCounts>;
  keyed: number;
  duplicates: number;
  readonly freshness: FreshnessCounts | undefined;
}

/**
 * Counts the quality of the records one quality-manager transaction evaluates, per tumbling window
 * of evaluation time, and hands them over as additive window deltas.
 *
 * Use one per source partition (or per batch): add every evaluated record of the batch, then
 * `drain()` and publish the deltas in the same Kafka transaction as the batch's outputs and offsets.
 * What a crash loses is then exactly what the transaction did not commit, and the reducer's window
 * metrics are the sum of committed deltas. Draining more often is always safe (deltas of one window
 * add up), which is how the caller bounds memory: it holds the windows touched since the last drain,
 * each bounded by the limits (fields), the rule set (rules, samples) and the bucket layout.
 */
export class QualityDeltaAccumulator {
  readonly pipelineId: string;
  readonly windowSizeMs: number;
  private readonly options: ResolvedAccumulatorOptions;
  private readonly uniqueRuleIds: ReadonlySet<string>;
  private readonly windows = new Map<number, WindowCounts>();

  constructor(options: QualityDeltaAccumulatorOptions) {
    this.options = resolveAccumulatorOptions(options);
    this.pipelineId = this.options.pipelineId;
    this.windowSizeMs = this.options.windowSize;
    this.uniqueRuleIds = new Set(this.options.uniqueRules.map((r) => r.ruleId));
  }

  /** Windows touched since the last drain. */
  get windowCount(): number {
    return this.windows.size;
  }

  /** Counts one evaluated record in the window of its evaluation time. */
  add(evaluated: EvaluatedRecord): void {
    const { record, recordId, now, failures, quarantined } = evaluated;
    if (typeof now !== 'number' || !Number.isFinite(now)) invalid('now', `must be a finite epoch-ms number, got ${String(now)}`);
    if (typeof recordId !== 'string') invalid('recordId', `must be a string, got ${typeof recordId}`);
    const start = Math.floor(now / this.windowSizeMs) * this.windowSizeMs;
    const w = this.windows.get(start) ?? this.open(start);

    w.records++;
    if (quarantined) w.quarantined++;
    else if (failures.length > 0) w.warned++;
    else w.passed++;

    for (const name of Object.keys(record)) {
      const counts = this.field(w, name);
      const value = record[name];
      if (counts && value !== null && value !== undefined) counts.nonNull++;
    }
    if (failures.length > 0) this.addFailures(w, record, recordId, failures);
    if (this.options.uniqueRules.length > 0) this.addUniqueness(w, record, failures);
    if (this.options.freshness && w.freshness) addLag(w.freshness, record[this.options.freshness.field], now, this.options.freshness.slaMs);
  }

  /** The deltas of every window touched since the last drain, oldest first; starts afresh. */
  drain(): QualityWindowDelta[] {
    const deltas = [...this.windows.entries()].sort(([a], [b]) => a - b).map(([start, w]) => this.deltaOf(start, w));
    this.windows.clear();
    return deltas;
  }

  private open(start: number): WindowCounts {
    const freshness = this.options.freshness ? { withinSla: 0, lagSumMs: 0, lagMaxMs: 0, lagBuckets: new Array<number>(LAG_BUCKET_COUNT).fill(0) } : undefined;
    const w: WindowCounts = {
      records: 0,
      passed: 0,
      warned: 0,
      quarantined: 0,
      fields: new Map(),
      untracked: 0,
      largestUntracked: undefined,
      rules: new Map(),
      keyed: 0,
      duplicates: 0,
      freshness,
    };
    this.windows.set(start, w);
    return w;
  }

  private deltaOf(start: number, w: WindowCounts): QualityWindowDelta {
    const fields: FieldDeltaCounts[] = [...w.fields.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .map(([field, c]) => ({ field, nonNull: c.nonNull, failed: c.failed, warned: c.warned }));
    const rules: RuleDeltaCounts[] = [...w.rules.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .map(([ruleId, r]) => ({
        ruleId,
        ruleType: r.ruleType,
        severity: r.severity,
        field: r.field,
        failures: r.failures,
        records: r.records,
        samples: [...r.samples],
      }));
    const { freshness } = this.options;
    return {
      pipelineId: this.pipelineId,
      windowStart: start,
      windowEnd: start + this.windowSizeMs,
      records: w.records,
      passed: w.passed,
      warned: w.warned,
      quarantined: w.quarantined,
      fields: limitFields(fields, this.options),
      rules,
      uniqueness: this.options.uniqueRules.length > 0 ? { keyed: w.keyed, duplicates: w.duplicates } : null,
      freshness:
        freshness && w.freshness
          ? {
              field: freshness.field,
              slaMs: freshness.slaMs,
              withinSla: w.freshness.withinSla,
              lagSumMs: w.freshness.lagSumMs,
              lagMaxMs: w.freshness.lagMaxMs,
              lagBuckets: trimTrailingZeros([...w.freshness.lagBuckets]),
            }
          : null,
    };
  }

  private addFailures(w: WindowCounts, record: DataRecord, recordId: string, failures: readonly RuleFailure[]): void {
    // A record counts once per field and once per rule, however many failures it carries for them.
    const failedFields = new Set<string>();
    const warnedFields = new Set<string>();
    const byRule = new Map<string, RuleFailure[]>();
    for (const failure of failures) {
      if (failure.field !== undefined) {
        for (const name of this.fieldNames(record, failure.field)) (failure.severity === 'error' ? failedFields : warnedFields).add(name);
      }
      const list = byRule.get(failure.ruleId);
      if (list) list.push(failure);
      else byRule.set(failure.ruleId, [failure]);
    }
    for (const name of failedFields) {
      const counts = this.field(w, name);
      if (counts) counts.failed++;
    }
    for (const name of warnedFields) {
      const counts = this.field(w, name);
      if (counts) counts.warned++;
    }
    for (const [ruleId, list] of byRule) {
      let rule = w.rules.get(ruleId);
      for (const f of list) {
        const attributes = { ruleType: f.ruleType, severity: f.severity, field: f.field ?? null };
        if (!rule) {
          rule = { ...attributes, failures: 0, records: 0, samples: [] };
          w.rules.set(ruleId, rule);
        } else if (rule.ruleType !== attributes.ruleType || rule.severity !== attributes.severity || rule.field !== attributes.field) {
          Object.assign(rule, resolveRuleAttributes(rule, attributes));
        }
      }
      const counts = rule as RuleCounts;
      counts.failures += list.length;
      counts.records++;
      addSample(counts.samples, recordId, this.options.maxSamplesPerRule);
    }
  }

  /**
   * The fields a failure is about: its `field` when the record has it or it is tracked, else the
   * names of a several-field key (`a,b`, as the rule engine reports a unique key of two fields).
   */
  private fieldNames(record: DataRecord, field: string): readonly string[] {
    if (!field.includes(',') || Object.hasOwn(record, field) || this.options.tracked.has(field)) return [field];
    return field.split(',').filter((name) => name.length > 0);
  }

  private addUniqueness(w: WindowCounts, record: DataRecord, failures: readonly RuleFailure[]): void {
    const failed = failures.some((f) => this.uniqueRuleIds.has(f.ruleId));
    // A record that failed a unique rule had a key, whatever the declared key fields say: duplicates ≤ keyed.
    if (failed || this.options.uniqueRules.some((rule) => hasKey(record, rule.fields))) w.keyed++;
    if (failed) w.duplicates++;
  }

  /**
   * The counts of a field. Tracked fields are always counted; of the others, the smallest
   * `maxFields + 1` names seen since the last drain: a larger name is ignored, a smaller one evicts
   * the largest. A name evicted here can never be among the smallest of the whole window (this
   * delta alone already holds that many smaller names), so the counts of the fields a window
   * reports are exact.
   */
  private field(w: WindowCounts, name: string): FieldCounts | undefined {
    const existing = w.fields.get(name);
    if (existing) return existing;
    const created = { nonNull: 0, failed: 0, warned: 0 };
    if (this.options.tracked.has(name)) {
      w.fields.set(name, created);
      return created;
    }
    const cap = this.options.maxFields + 1;
    if (w.untracked >= cap) {
      const largest = w.largestUntracked ?? this.largestUntracked(w);
      if (compareText(name, largest) > 0) return undefined;
      w.fields.delete(largest);
      w.untracked--;
    }
    w.fields.set(name, created);
    w.untracked++;
    w.largestUntracked = w.untracked >= cap ? this.largestUntracked(w) : undefined;
    return created;
  }

  private largestUntracked(w: WindowCounts): string {
    let largest: string | undefined;
    for (const name of w.fields.keys()) {
      if (!this.options.tracked.has(name) && (largest === undefined || compareText(name, largest) > 0)) largest = name;
    }
    return largest as string;
  }
}

/** The rule engine's key: one field not null, or several not all null. */
function hasKey(record: DataRecord, fields: readonly string[]): boolean {
  return fields.some((f) => record[f] !== null && record[f] !== undefined);
}

function addLag(counts: FreshnessCounts, eventTime: unknown, now: number, slaMs: number): void {
  if (typeof eventTime !== 'number' || !Number.isFinite(eventTime)) return;
  // Whole ms (Avro longs); an event time slightly ahead of the evaluation clock is fresh, not negative.
  const lag = Math.max(0, Math.round(now - eventTime));
  if (lag <= slaMs) counts.withinSla++;
  counts.lagSumMs += lag;
  if (lag > counts.lagMaxMs) counts.lagMaxMs = lag;
  const bucket = lagBucketIndex(lag);
  counts.lagBuckets[bucket] = (counts.lagBuckets[bucket] as number) + 1;
}

function invalid(path: string, message: string): never {
  throw new QualityMetricsError('TRIB_QUALITY_RECORD_INVALID', `invalid evaluated record: ${path} ${message}`, [{ path, message }]);
}
