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
 * What every evaluator of one rule set runs, built once: the rules' tests, the chain that runs
 * them, and how to describe a failure. An evaluator adds only the state of the rules that have one.
 *
 * Sharing the closures is for speed as much as memory. A quality manager makes an evaluator per
 * partition; if each built its own closures, every call site in the chain would meet a new
 * function per evaluator, and V8 inlines only the functions a call site keeps meeting.
 */
interface RuleSetRun {
  readonly count: number;
  readonly tests: readonly RecordTest[];
  readonly failureOf: readonly FailureOf[];
  readonly errorOf: readonly ErrorOf[];
  readonly firstMiss: Miss;
  /** What the chain caught; shared, because evaluation is synchronous and never re-enters. */
  readonly caught: Caught;
  readonly stateMakers: readonly ((() => unknown) | undefined)[];
}

/** Returns a maker of evaluators for the rules, each with its own rule state (`unique` windows). */
export function ruleEvaluators(rules: readonly CompiledRule[]): () => RuleEvaluator {
  const tests = rules.map((r) => r.plan.test);
  const caught: Caught = { error: undefined, threw: false };
  const run: RuleSetRun = {
    count: tests.length,
    tests,
    failureOf: rules.map(failureFactory),
    errorOf: rules.map(errorFactory),
    firstMiss: missChain(tests, caught),
    caught,
    stateMakers: rules.map((r) => r.plan.createState),
  };
  return () => new Evaluator(run);
}

/** One method for every evaluator, so the call site of a consumer's batch loop meets one function. */
class Evaluator implements RuleEvaluator {
  readonly #run: RuleSetRun;
  readonly #states: unknown[];

  constructor(run: RuleSetRun) {
    this.#run = run;
    this.#states = run.stateMakers.map((make) => make?.());
  }

  evaluate(record: DataRecord, ctx: EvaluationContext): RecordVerdict {
    return evaluate(this.#run, this.#states, record, ctx);
  }
}

/** Runs the rules' tests in declaration order; failure objects are made only for a record that fails. */
function evaluate(run: RuleSetRun, states: readonly unknown[], record: DataRecord, ctx: EvaluationContext): RecordVerdict {
  // Defensive: evaluate never throws, even for a caller that forgot the context.
  const now = (ctx as EvaluationContext | undefined)?.now ?? Number.NaN;
  const { count, caught } = run;
  // Most records pass every rule: one walk through the chain, each test run once.
  let i = run.firstMiss(record, now, states);
  if (i === count) return PASSED;
  const { tests, failureOf, errorOf } = run;
  let failures: RuleFailure[] | undefined;
  let quarantine = false;
  // The test at i failed or threw; the rest run in the plain loop.
  for (;;) {
    let failure: RuleFailure;
    if (caught.threw) {
      failure = errorOf[i]!(record, caught.error);
      caught.threw = false;
      caught.error = undefined;
    } else {
      try {
        failure = failureOf[i]!(record);
      } catch (err) {
        failure = errorOf[i]!(record, err);
      }
    }
    (failures ??= []).push(failure);
    if (failure.severity === 'error') quarantine = true;
    for (i++; i < count; i++) {
      try {
        if (!tests[i]!(record, now, states[i])) break;
      } catch (err) {
        caught.threw = true;
        caught.error = err;
        break;
      }
    }
    if (i >= count) break;
  }
  return { failures, quarantine };
}

interface Caught {
  error: unknown;
  threw: boolean;
}
type Miss = (record: DataRecord, now: number, states: readonly unknown[]) => number;
type Link = (test: RecordTest, next: Miss, index: number, caught: Caught) => Miss;

/*
 * The links of the chain: the same code written out once per position, because V8 keeps call-site
 * feedback per function literal. One shared literal would make each call site see every rule's test
 * (megamorphic: no inlining); one literal per position gives each site the one test at that position.
 */
const LINKS: readonly Link[] = [
  (t, next, k, c) => (r, now, s) => { try { if (!t(r, now, s[k])) return k; } catch (e) { c.threw = true; c.error = e; return k; } return next(r, now, s); },
  (t, next, k, c) => (r, now, s) => { try { if (!t(r, now, s[k])) return k; } catch (e) { c.threw = true; c.error = e; return k; } return next(r, now, s); },
  (t, next, k, c) => (r, now, s) => { try { if (!t(r, now, s[k])) return k; } catch (e) { c.threw = true; c.error = e; return k; } return next(r, now, s); },
  (t, next, k, c) => (r, now, s) => { try { if (!t(r, now, s[k])) return k; } catch (e) { c.threw = true; c.error = e; return k; } return next(r, now, s); },
  (t, next, k, c) => (r, now, s) => { try { if (!t(r, now, s[k])) return k; } catch (e) { c.threw = true; c.error = e; return k; } return next(r, now, s); },
  (t, next, k, c) => (r, now, s) => { try { if (!t(r, now, s[k])) return k; } catch (e) { c.threw = true; c.error = e; return k; } return next(r, now, s); },
  (t, next, k, c) => (r, now, s) => { try { if (!t(r, now, s[k])) return k; } catch (e) { c.threw = true; c.error = e; return k; } return next(r, now, s); },
  (t, next, k, c) => (r, now, s) => { try { if (!t(r, now, s[k])) return k; } catch (e) { c.threw = true; c.error = e; return k; } return next(r, now, s); },
  (t, next, k, c) => (r, now, s) => { try { if (!t(r, now, s[k])) return k; } catch (e) { c.threw = true; c.error = e; return k; } return next(r, now, s); },
  (t, next, k, c) => (r, now, s) => { try { if (!t(r, now, s[k])) return k; } catch (e) { c.threw = true; c.error = e; return k; } return next(r, now, s); },
  (t, next, k, c) => (r, now, s) => { try { if (!t(r, now, s[k])) return k; } catch (e) { c.threw = true; c.error = e; return k; } return next(r, now, s); },
  (t, next, k, c) => (r, now, s) => { try { if (!t(r, now, s[k])) return k; } catch (e) { c.threw = true; c.error = e; return k; } return next(r, now, s); },
];

/** Runs the tests in order; the index of the first that fails or throws (`caught` says which), or their count. */
function missChain(tests: readonly RecordTest[], caught: Caught): Miss {
  const count = tests.length;
  // Past the written-out links: the plain loop for the rest.
  const from = Math.min(count, LINKS.length);
  let next: Miss = (record, now, states) => {
    for (let i = from; i < count; i++) {
      try {
        if (!tests[i]!(record, now, states[i])) return i;
      } catch (err) {
        caught.threw = true;
        caught.error = err;
        return i;
      }
    }
    return count;
  };
  for (let k = from - 1; k >= 0; k--) next = LINKS[k]!(tests[k]!, next, k, caught);
  return next;
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
