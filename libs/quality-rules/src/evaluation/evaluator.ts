import type { DataRecord } from '@tributary/pipelines';
import type { RecordTest, RulePlan } from '../rules/index.js';
import type { EvaluationContext, RecordRuleInfo, RecordVerdict, RuleEvaluator, RuleFailure } from '../types.js';

/** A per-record rule as the evaluator runs it. */
export interface CompiledRule {
  readonly info: RecordRuleInfo;
  readonly plan: RulePlan;
}

/** The verdict of every record that passed: one object, so passing records allocate nothing. */
const PASSED: RecordVerdict = Object.freeze({ failures: Object.freeze<RuleFailure[]>([]), quarantine: false });

type FailureOf = (record: DataRecord) => RuleFailure;
type ErrorOf = (record: DataRecord, err: unknown) => RuleFailure;

/**
 * Runs the rules' tests in declaration order. The hot path is a loop over closures built once; a
 * failure object (and the failures array) is made only for a record that fails something.
 */
export function createRuleEvaluator(rules: readonly CompiledRule[]): RuleEvaluator {
  const tests: RecordTest[] = rules.map((r) => r.plan.createTest());
  const failureOf: FailureOf[] = rules.map(failureFactory);
  const errorOf: ErrorOf[] = rules.map(errorFactory);
  const count = tests.length;
  return {
    evaluate(record: DataRecord, ctx: EvaluationContext): RecordVerdict {
      // Defensive: evaluate never throws, even for a caller that forgot the context.
      const now = (ctx as EvaluationContext | undefined)?.now ?? Number.NaN;
      let failures: RuleFailure[] | undefined;
      let quarantine = false;
      for (let i = 0; i < count; i++) {
        let failure: RuleFailure;
        try {
          if (tests[i]!(record, now)) continue;
          failure = failureOf[i]!(record);
        } catch (err) {
          failure = errorOf[i]!(record, err);
        }
        (failures ??= []).push(failure);
        if (failure.severity === 'error') quarantine = true;
      }
      return failures === undefined ? PASSED : { failures, quarantine };
    },
  };
}

function failureFactory({ info, plan }: CompiledRule): FailureOf {
  const { id: ruleId, type: ruleType, severity, message } = info;
  const { field, offending } = plan;
  if (field === undefined) return (record) => ({ ruleId, ruleType, severity, value: offending(record), message });
  return (record) => ({ ruleId, ruleType, severity, field, value: offending(record), message });
}

/**
 * A rule that cannot be evaluated quarantines the record whatever its severity: the record could
 * not be checked, and letting it through would pass it unchecked.
 */
function errorFactory({ info, plan }: CompiledRule): ErrorOf {
  const { id: ruleId, type: ruleType } = info;
  const { field, offending } = plan;
  return (record, err) => {
    let value: unknown;
    try {
      value = offending(record);
    } catch {
      value = null; // the record itself is unreadable (not an object)
    }
    const message = `evaluation error: ${err instanceof Error ? err.message : String(err)}`;
    const failure: RuleFailure = { ruleId, ruleType, severity: 'error', value, message };
    return field === undefined ? failure : { ruleId, ruleType, severity: 'error', field, value, message };
  };
}
