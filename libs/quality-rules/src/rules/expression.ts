import { type ASTNode, parse } from '@marcbachmann/cel-js';
import { type CompiledExpression, type DataRecord, ExpressionScope, type FieldDeclaration } from '@tributary/pipelines';
import { RuleEvaluationError } from '../errors.js';
import type { ExpressionRule } from '../types.js';
import { type FastPath, fastPath } from './expression-fast-path.js';
import { type PlanContext, type RecordTest, type RulePlan, describeValue, valuesOf } from './plan.js';

/**
 * `expression`: a CEL expression over the record, compiled once by the pipelines' ExpressionScope
 * (the same language, functions and limits as map and filter stages; never eval).
 *
 * Nulls: with `nulls: skip` a record in which a field the expression reads is null passes without
 * evaluation — SQL's reading of `discount <= amount * 0.5` (dbt's expression_is_true, Soda's failed
 * rows), and the null semantics of every other rule. `nulls: evaluate` hands nulls to CEL, for
 * expressions about nulls such as `refund != null || status != "refunded"`; it is the default when
 * the expression mentions `null`, so such an expression never silently skips what it tests.
 */
export function planExpression(rule: ExpressionRule, ctx: PlanContext): RulePlan | undefined {
  const { expr } = rule;
  if (expr.length > ctx.limits.maxExpressionLength) {
    ctx.report(['expr'], `expression is longer than ${ctx.limits.maxExpressionLength} characters`);
    return undefined;
  }
  const outcome = new ExpressionScope(new Map(ctx.fields)).compile(expr);
  if (!outcome.ok) {
    ctx.report(['expr'], outcome.message);
    return undefined;
  }
  const { expression } = outcome;
  const type = expression.celType === 'dyn' ? typeWhenPresent(expr, ctx.fields) : expression.celType;
  if (type !== 'bool' && type !== 'dyn') {
    ctx.report(['expr'], `must be a boolean expression, but it is ${type}`);
    return undefined;
  }
  // The scope has type-checked the source, so it parses; the AST names the fields read.
  const ast = parse(expr).ast;
  if (callsMatches(ast)) {
    // CEL's matches() runs on V8's backtracking engine: `(a+)+$` would stall the partition.
    ctx.report(['expr'], 'matches() is not available in quality rules (backtracking regular expressions); use a regex rule, which runs in linear time');
    return undefined;
  }
  const reads = [...new Set(identifiers(ast))].filter((name) => ctx.fields.has(name));
  const nulls = rule.nulls ?? (mentionsNull(ast) ? 'evaluate' : 'skip');
  const declarations = reads.map((name) => ctx.fields.get(name)!);
  const fast = fastPath(ast, declarations);
  return {
    reads,
    message: `expression must be true: ${expr}`,
    engine: fast ? 'cel-fast-path' : 'cel',
    offending: valuesOf(reads),
    test: test(expression, reads, nulls === 'skip', fast),
  };
}

/**
 * Nullable fields are `dyn` to CEL, which makes `amount + 1` a `dyn` expression when amount is
 * nullable. Its type once every field holds a value tells whether it can ever be boolean; an
 * expression that only type-checks with nulls (`x == null || …`) stays `dyn`.
 */
function typeWhenPresent(expr: string, fields: ReadonlyMap<string, FieldDeclaration>): string {
  const present = new Map([...fields].map(([name, f]) => [name, { ...f, nullable: false }]));
  const outcome = new ExpressionScope(present).compile(expr);
  return outcome.ok ? outcome.expression.celType : 'dyn';
}

function test(expression: CompiledExpression, names: readonly string[], skipNulls: boolean, fast: FastPath | undefined): RecordTest {
  const count = names.length;
  const slow = (record: DataRecord): boolean => {
    let result: unknown;
    try {
      result = expression.evaluate(record);
    } catch (err) {
      throw new RuleEvaluationError((err as Error).message, { cause: err });
    }
    if (result === true) return true;
    if (result === false) return false;
    throw new RuleEvaluationError(`expression produced ${describeValue(result)} instead of true or false`);
  };
  // One or two fields (most rules) are read at call sites of their own. The loop below meets
  // every name at one `record[names[i]]`, which V8 cannot specialize to any of them.
  if (fast !== undefined && count === 1) {
    const [a] = names as [string];
    const { load, run } = fast;
    return (record) => {
      const va = record[a];
      if (va === null || va === undefined) return skipNulls || slow(record);
      return load(0, va) ? run() : slow(record);
    };
  }
  if (fast !== undefined && count === 2) {
    const [a, b] = names as [string, string];
    const { load, run } = fast;
    return (record) => {
      const va = record[a];
      const vb = record[b];
      if (va === null || va === undefined || vb === null || vb === undefined) return skipNulls || slow(record);
      return load(0, va) && load(1, vb) ? run() : slow(record);
    };
  }
  const load = fast?.load;
  const run = fast?.run;
  return (record) => {
    let quick = load !== undefined;
    for (let i = 0; i < count; i++) {
      const v = record[names[i]!];
      if (v === null || v === undefined) {
        if (skipNulls) return true;
        quick = false;
      } else if (quick) {
        quick = load!(i, v);
      }
    }
    return quick ? run!() : slow(record);
  };
}

/** Every identifier in the AST (comprehension variables too; callers keep declared fields). */
function identifiers(ast: ASTNode): string[] {
  const found: string[] = [];
  walk(ast, (node) => {
    if (node.op === 'id' && typeof node.args === 'string') found.push(node.args);
  });
  return found;
}

function callsMatches(ast: ASTNode): boolean {
  let found = false;
  walk(ast, (node) => {
    if ((node.op === 'call' || node.op === 'rcall') && Array.isArray(node.args) && node.args[0] === 'matches') found = true;
  });
  return found;
}

function mentionsNull(ast: ASTNode): boolean {
  let found = false;
  walk(ast, (node) => {
    if (node.op === 'value' && node.args === null) found = true;
  });
  return found;
}

function walk(node: unknown, visit: (node: { op: unknown; args: unknown }) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
  } else if (node !== null && typeof node === 'object' && 'op' in node) {
    const n = node as { op: unknown; args: unknown };
    visit(n);
    if (n.op !== 'value') walk(n.args, visit);
  }
}
