import type { FieldDeclaration, Scalar } from '@tributary/pipelines';
import { RuleSetError } from '../errors.js';
import { type CompiledRule, ruleEvaluators } from '../evaluation/evaluator.js';
import { type CompileRuleSetOptions, type RuleSetLimits, qualityRulesDefaults, resolveOptions } from '../options.js';
import { type PlanContext, planRecordRule, planWindowRule } from '../rules/index.js';
import type {
  CompiledRuleSet,
  QualityRuleSetInput,
  RecordRuleInfo,
  RuleDefinition,
  WindowExpectation,
  WindowRuleDefinition,
} from '../types.js';
import { IssueCollector } from './issues.js';
import { checkSchema } from './schema.js';

const WINDOW_TYPES = new Set<string>(['volume', 'completeness', 'validity']);

/**
 * Validates a rule set against its JSON Schema, then against the fields its records have, and
 * compiles it: every pattern, expression, set and window once, into closures run per record.
 *
 * Every problem is collected before anything is thrown, so one RuleSetError lists them all, each
 * with the rule's id and field. A rule the schema refuses is not checked further (its shape is
 * unknown), but the other rules still are.
 */
export function compileRuleSet(input: unknown, fields: readonly FieldDeclaration[], options?: CompileRuleSetOptions): CompiledRuleSet {
  const { basePath, limits } = resolveOptions(options);
  const issues = new IssueCollector(input, basePath);
  const conforms = checkSchema(input, issues);
  if (!conforms && !hasRuleList(input)) throw new RuleSetError(issues.issues);
  const set = input as QualityRuleSetInput;

  if (set.rules.length > limits.maxRules) issues.add(['rules'], `has ${set.rules.length} rules; at most ${limits.maxRules}`);
  const lookups = checkLookups(set, issues, limits);
  // Rules the schema refused, as a snapshot: later semantic issues must not hide a rule's other faults.
  const misshapen = new Set(issues.faulty);
  const usable = (i: number) => conforms || !misshapen.has(i);
  checkIds(set.rules, issues);

  const fieldMap = new Map(fields.map((f) => [f.name, f]));
  const context = (index: number): PlanContext => ({ fields: fieldMap, lookups, limits, report: issues.forRule(index) });

  const compiled: CompiledRule[] = [];
  const windowRules: { rule: WindowRuleDefinition; index: number }[] = [];
  set.rules.forEach((rule, index) => {
    if (!usable(index)) return;
    if (isWindowRule(rule)) {
      windowRules.push({ rule, index });
      return;
    }
    const plan = planRecordRule(rule, context(index));
    const message = checkedMessage(rule, index, issues, limits);
    if (!plan) return;
    const info: RecordRuleInfo = Object.freeze({
      id: rule.id,
      type: rule.type,
      severity: rule.severity ?? qualityRulesDefaults.severity,
      message: message ?? plan.message,
      fields: Object.freeze([...plan.reads]),
      ...(plan.engine === undefined ? {} : { engine: plan.engine }),
    });
    compiled.push({ info, plan });
  });

  const rules = Object.freeze(compiled.map((c) => c.info));
  const windowExpectations: WindowExpectation[] = [];
  for (const { rule, index } of windowRules) {
    checkedMessage(rule, index, issues, limits);
    const expectation = planWindowRule(rule, rule.severity ?? qualityRulesDefaults.severity, rules, context(index));
    if (expectation) windowExpectations.push(deepFreeze(expectation));
  }
  if (!issues.empty) throw new RuleSetError(issues.issues);

  const createEvaluator = ruleEvaluators(compiled);
  const shared = createEvaluator();
  const ruleSet: CompiledRuleSet = {
    rules,
    windowExpectations: Object.freeze(windowExpectations),
    createEvaluator,
    evaluate: (record, ctx) => shared.evaluate(record, ctx),
  };
  return Object.freeze(ruleSet);
}

function hasRuleList(input: unknown): boolean {
  return input !== null && typeof input === 'object' && Array.isArray((input as { rules?: unknown }).rules);
}

function isWindowRule(rule: RuleDefinition): rule is WindowRuleDefinition {
  return WINDOW_TYPES.has(rule.type);
}

/** Lookups by name; a malformed or oversized one is known by name but has no values. */
function checkLookups(set: QualityRuleSetInput, issues: IssueCollector, limits: RuleSetLimits): Map<string, readonly Scalar[] | undefined> {
  const out = new Map<string, readonly Scalar[] | undefined>();
  const declared = set.lookups !== null && typeof set.lookups === 'object' ? Object.entries(set.lookups) : [];
  if (declared.length > limits.maxLookups) issues.add(['lookups'], `has ${declared.length} lookups; at most ${limits.maxLookups}`);
  for (const [name, values] of declared) {
    if (!Array.isArray(values) || issues.faultyLookups.has(name)) {
      out.set(name, undefined);
    } else if (values.length > limits.maxLookupValues) {
      issues.add(['lookups', name], `has ${values.length} values; at most ${limits.maxLookupValues}`);
      out.set(name, undefined);
    } else {
      out.set(name, values);
    }
  }
  return out;
}

function checkIds(rules: readonly unknown[], issues: IssueCollector): void {
  const seen = new Map<string, number>();
  rules.forEach((rule, index) => {
    const id = (rule as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return;
    const first = seen.get(id);
    if (first !== undefined) issues.add(['rules', index, 'id'], `duplicate rule id "${id}" (also rules[${first}])`);
    else seen.set(id, index);
  });
}

function checkedMessage(rule: RuleDefinition, index: number, issues: IssueCollector, limits: RuleSetLimits): string | undefined {
  if (rule.message !== undefined && rule.message.length > limits.maxMessageLength) {
    issues.add(['rules', index, 'message'], `is longer than ${limits.maxMessageLength} characters`);
  }
  return rule.message;
}

// A compiled rule set is shared by every evaluator of a partition: freezing its expectations turns
// an accidental write into an error instead of a rule that changes under the metrics' feet.
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
