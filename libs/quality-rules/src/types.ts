import type { DataRecord, FieldType, Scalar } from '@tributary/pipelines';

/** `error` quarantines the record; `warn` reports the failure and lets the record through. */
export type Severity = 'error' | 'warn';

/** Rules evaluated on each record by `evaluate`. */
export type RecordRuleType =
  | 'not_null'
  | 'in_range'
  | 'in_set'
  | 'regex'
  | 'length'
  | 'type'
  | 'unique'
  | 'compare'
  | 'expression'
  | 'reference'
  | 'freshness';

/** Expectations on a window of records, declared here but evaluated by @tributary/quality-metrics. */
export type WindowRuleType = 'volume' | 'completeness' | 'validity';

export type RuleType = RecordRuleType | WindowRuleType;

export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** How an expression rule treats a record in which a field it reads is null (see docs/quality-rules.md). */
export type ExpressionNulls = 'skip' | 'evaluate';

interface RuleBase {
  /** Names the rule in failures, metrics and errors; unique in a rule set. */
  readonly id: string;
  /** Default `error`. */
  readonly severity?: Severity;
  /** Sentence reported on failure; default one generated from the rule (`amount must be between 0 and 10000`). */
  readonly message?: string;
}

export interface NotNullRule extends RuleBase {
  readonly type: 'not_null';
  readonly field: string;
}

export interface InRangeRule extends RuleBase {
  readonly type: 'in_range';
  readonly field: string;
  readonly min?: number;
  readonly max?: number;
  /** `min` itself is out of range. Default false. */
  readonly exclusiveMin?: boolean;
  /** `max` itself is out of range. Default false. */
  readonly exclusiveMax?: boolean;
}

export interface InSetRule extends RuleBase {
  readonly type: 'in_set';
  readonly field: string;
  readonly values: readonly Scalar[];
}

export interface RegexRule extends RuleBase {
  readonly type: 'regex';
  readonly field: string;
  /** RE2 syntax, searched anywhere in the value: anchor with `^…$` to match the whole value. */
  readonly pattern: string;
}

export interface LengthRule extends RuleBase {
  readonly type: 'length';
  readonly field: string;
  /** Characters (Unicode code points), inclusive. */
  readonly min?: number;
  readonly max?: number;
}

export interface TypeRule extends RuleBase {
  readonly type: 'type';
  readonly field: string;
  readonly expected: FieldType;
}

export interface UniqueRule extends RuleBase {
  readonly type: 'unique';
  readonly fields: readonly string[];
  /** How long a key is remembered: `500ms`, `30s`, `10m`, `2h`, `1d`. */
  readonly window: string;
  /** Event-time field (epoch ms); default the evaluation time `ctx.now`. */
  readonly timeField?: string;
  /** Most keys remembered at once per evaluator. Default `qualityRulesDefaults.uniqueMaxKeys`. */
  readonly maxKeys?: number;
}

export interface CompareRule extends RuleBase {
  readonly type: 'compare';
  readonly left: string;
  readonly op: CompareOp;
  readonly right: string;
}

export interface ExpressionRule extends RuleBase {
  readonly type: 'expression';
  /** CEL over the record's fields; must be boolean. The record passes when it is true. */
  readonly expr: string;
  /** Default `evaluate` when the expression mentions `null`, else `skip`. */
  readonly nulls?: ExpressionNulls;
}

export interface ReferenceRule extends RuleBase {
  readonly type: 'reference';
  readonly field: string;
  /** Name of a list in the rule set's `lookups`. */
  readonly lookup: string;
}

export interface FreshnessRule extends RuleBase {
  readonly type: 'freshness';
  /** Event-time field (epoch ms). */
  readonly field: string;
  /** Oldest accepted age relative to `ctx.now`, e.g. `1h`. */
  readonly maxAge: string;
  /** How far in the future an event time may be (producer clock skew). Default `qualityRulesDefaults.freshnessMaxFuture`. */
  readonly maxFuture?: string;
}

export interface VolumeRule extends RuleBase {
  readonly type: 'volume';
  readonly window: string;
  /** Records per window, inclusive. */
  readonly min?: number;
  readonly max?: number;
}

export interface CompletenessRule extends RuleBase {
  readonly type: 'completeness';
  readonly field: string;
  readonly window: string;
  /** Least share (0–1) of records in a window with a non-null `field`. */
  readonly min: number;
}

export interface ValidityRule extends RuleBase {
  readonly type: 'validity';
  readonly window: string;
  /** Least share (0–1) of records in a window that pass every per-record rule (on `field`, when given). */
  readonly min: number;
  readonly field?: string;
}

export type RecordRuleDefinition =
  | NotNullRule
  | InRangeRule
  | InSetRule
  | RegexRule
  | LengthRule
  | TypeRule
  | UniqueRule
  | CompareRule
  | ExpressionRule
  | ReferenceRule
  | FreshnessRule;

export type WindowRuleDefinition = VolumeRule | CompletenessRule | ValidityRule;
export type RuleDefinition = RecordRuleDefinition | WindowRuleDefinition;

/** What `compileRuleSet` accepts, once it passed the JSON Schema. */
export interface QualityRuleSetInput {
  /** Named reference lists for `reference` rules. */
  readonly lookups?: Readonly<Record<string, readonly Scalar[]>>;
  readonly rules: readonly RuleDefinition[];
}

/** One reason a rule set was refused. */
export interface RuleSetIssue {
  /** Id of the offending rule, when the problem is in one rule that has an id. */
  readonly ruleId?: string;
  /** JSON pointer to the offending value, e.g. `/rules/2/max` (prefixed by `basePath`). */
  readonly path: string;
  /** Record field the offending rule is about, when it names one. */
  readonly field?: string;
  readonly message: string;
}

/** One rule a record failed. */
export interface RuleFailure {
  readonly ruleId: string;
  readonly ruleType: RecordRuleType;
  /** `error` for evaluation errors, whatever the rule's severity. */
  readonly severity: Severity;
  /** The field the rule is about: `left` for compare, `a,b` for a unique key of several fields, absent for expressions. */
  readonly field?: string;
  /**
   * The offending value as given: the field's value, or `{ field: value, … }` for rules that read
   * several fields (compare, expression, unique on several fields).
   */
  readonly value?: unknown;
  readonly message: string;
}

export interface RecordVerdict {
  /** Empty (one shared, frozen array) when the record passed every rule. */
  readonly failures: readonly RuleFailure[];
  /** True when any failure has severity `error`: the record goes to the quarantine topic. */
  readonly quarantine: boolean;
}

export interface EvaluationContext {
  /** Evaluation time (epoch ms): freshness is measured from it, unique uses it without a timeField. */
  readonly now: number;
}

/** Evaluates records against a compiled rule set; holds the state of `unique` rules. */
export interface RuleEvaluator {
  /** Never throws: a rule that cannot be evaluated is a failure with severity `error`. */
  evaluate(record: DataRecord, ctx: EvaluationContext): RecordVerdict;
}

/** A per-record rule as compiled: what a quality manager needs to label metrics and quarantine reasons. */
export interface RecordRuleInfo {
  readonly id: string;
  readonly type: RecordRuleType;
  readonly severity: Severity;
  readonly message: string;
  /** Fields the rule reads. */
  readonly fields: readonly string[];
  /**
   * How the rule runs, for operators and benchmarks: `re2` or `native-linear` for regex rules (see
   * docs/quality-rules.md, "Regular expressions"); `cel` or `cel-fast-path` for expression rules.
   */
  readonly engine?: RuleEngine;
}

export type RuleEngine = 're2' | 'native-linear' | 'cel' | 'cel-fast-path';

interface WindowExpectationBase {
  readonly id: string;
  readonly severity: Severity;
  readonly message: string;
  readonly window: string;
  readonly windowMs: number;
}

export interface VolumeExpectation extends WindowExpectationBase {
  readonly type: 'volume';
  readonly min?: number;
  readonly max?: number;
}

export interface CompletenessExpectation extends WindowExpectationBase {
  readonly type: 'completeness';
  readonly field: string;
  readonly min: number;
}

export interface ValidityExpectation extends WindowExpectationBase {
  readonly type: 'validity';
  readonly min: number;
  readonly field?: string;
  /** Ids of the per-record rules whose failures make a record invalid (those on `field`, or all). */
  readonly ruleIds: readonly string[];
}

export type WindowExpectation = VolumeExpectation | CompletenessExpectation | ValidityExpectation;

export interface CompiledRuleSet extends RuleEvaluator {
  /** Per-record rules in declaration order (window expectations excluded). */
  readonly rules: readonly RecordRuleInfo[];
  /** Window expectations in declaration order, for @tributary/quality-metrics. */
  readonly windowExpectations: readonly WindowExpectation[];
  /**
   * A new evaluator with its own `unique` state. Give each Kafka partition its own, as processors do
   * with dedupe; `evaluate` on the rule set itself uses one shared default evaluator.
   */
  createEvaluator(): RuleEvaluator;
}
