import type { ASTNode, Environment, ParseResult, TypeCheckResult } from '@marcbachmann/cel-js';
import { fieldList, type FieldMap } from '../field-map.js';
import { pipelineDefaults } from '../options.js';
import type { DataRecord, FieldDeclaration, FieldType } from '../types.js';
import { RecordFailure, isIntegralType } from '../values.js';
import { baseEnvironment } from './environment.js';

/** An expression parsed and type-checked once, evaluated per record. */
export interface CompiledExpression {
  readonly source: string;
  /** CEL static type of the result: `int`, `double`, `string`, `bool`, `dyn`, `list<int>`, … */
  readonly celType: string;
  /** Fields the expression reads; true when any of them is nullable. */
  readonly readsNullable: boolean;
  /** Evaluates against one record; throws a RecordFailure on a runtime error (never anything else). */
  evaluate(record: DataRecord): unknown;
}

export type CompileOutcome = { ok: true; expression: CompiledExpression } | { ok: false; message: string };

/**
 * Compiles expressions over the fields a stage sees. Non-null fields get their CEL type, so the
 * checker refuses `name * 2` before any record flows; nullable fields are `dyn`, because CEL has no
 * nullable scalars and `x == null` must type-check.
 */
export class ExpressionScope {
  readonly #env: Environment;
  readonly #fields: FieldMap;
  /** Fields whose names CEL reserves (`in`, `int`, `type`, …): present in records, unreachable here. */
  readonly #unreachable = new Set<string>();

  constructor(fields: FieldMap) {
    this.#fields = fields;
    this.#env = baseEnvironment().clone();
    for (const field of fields.values()) {
      try {
        this.#env.registerVariable(field.name, celTypeOf(field));
      } catch {
        this.#unreachable.add(field.name);
      }
    }
  }

  compile(source: string): CompileOutcome {
    if (source.length > pipelineDefaults.expressionMaxLength) {
      return { ok: false, message: `expression is longer than ${pipelineDefaults.expressionMaxLength} characters` };
    }
    let parsed: ParseResult;
    let checked: TypeCheckResult;
    try {
      parsed = this.#env.parse(source);
      checked = parsed.check();
    } catch (err) {
      return { ok: false, message: this.#describe(err) };
    }
    const ids = identifiers(parsed.ast);
    // `type == "click"` with a field named `type` type-checks against CEL's `type`: say why instead.
    const shadowed = ids.find((id) => this.#unreachable.has(id.name));
    if (shadowed) return { ok: false, message: `${unreachable(shadowed.name)} at ${shadowed.pos}` };
    if (!checked.valid) return { ok: false, message: this.#describe(checked.error) };
    const reads = [...new Set(ids.map((id) => id.name))].flatMap((name) => {
      const field = this.#fields.get(name);
      return field ? [field] : [];
    });
    return {
      ok: true,
      expression: {
        source,
        celType: checked.type ?? 'dyn',
        readsNullable: reads.some((f) => f.nullable === true),
        evaluate: (record) => run(parsed, reads, record),
      },
    };
  }

  /** Parse/type errors as `<what> at <offset>`: the stage path is prefixed by the caller. */
  #describe(err: unknown): string {
    const e = err as { summary?: unknown; message?: unknown; range?: { start?: unknown } } | undefined;
    const summary = typeof e?.summary === 'string' ? e.summary : String(e?.message ?? err);
    const at = typeof e?.range?.start === 'number' ? ` at ${e.range.start}` : '';
    const unknown = /^Unknown variable: (.+)$/.exec(summary);
    if (unknown?.[1] !== undefined) {
      const name = unknown[1];
      const known = [...this.#fields.keys()].filter((n) => !this.#unreachable.has(n));
      return `unknown field "${name}"${at} (fields here: ${fieldList(known)})`;
    }
    return `${summary}${at}`;
  }
}

function unreachable(name: string): string {
  return `field "${name}" cannot be used in expressions (a CEL type or reserved name; rename it in an earlier stage)`;
}

/**
 * Every identifier the expression names, with its offset. Comprehension variables (`x` in
 * `l.map(x, …)`) are included; callers keep only declared fields.
 */
function identifiers(ast: ASTNode): { name: string; pos: number }[] {
  const found: { name: string; pos: number }[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
    } else if (node !== null && typeof node === 'object' && 'op' in node) {
      const { op, args, pos } = node as { op: unknown; args: unknown; pos?: unknown };
      if (op === 'id' && typeof args === 'string') found.push({ name: args, pos: typeof pos === 'number' ? pos : 0 });
      else visit(args);
    }
  };
  visit(ast);
  return found;
}

function celTypeOf(field: FieldDeclaration): string {
  if (field.nullable === true) return 'dyn';
  return CEL_TYPES[field.type];
}

const CEL_TYPES: Record<FieldType, string> = {
  string: 'string',
  boolean: 'bool',
  int: 'int',
  long: 'int',
  timestamp: 'int',
  float: 'double',
  double: 'double',
};

function run(parsed: ParseResult, reads: readonly FieldDeclaration[], record: DataRecord): unknown {
  // A fresh prototype-less object holding only the fields read: the expression sees nothing else.
  const context: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const field of reads) context[field.name] = toCel(record[field.name], field.type);
  let result: unknown;
  try {
    result = parsed(context);
  } catch (err) {
    const e = err as { summary?: unknown; message?: unknown };
    throw new RecordFailure(typeof e.summary === 'string' ? e.summary : String(e.message ?? err), { cause: err });
  }
  return fromCel(result);
}

/** CEL ints are BigInt: integral fields convert on the way in (a non-integer stays and fails the type check). */
function toCel(value: unknown, type: FieldType): unknown {
  if (value === undefined || value === null) return null;
  if (isIntegralType(type) && typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  return value;
}

/** Back to record values: numbers, strings, booleans, null. */
export function fromCel(value: unknown): unknown {
  // CEL `uint` values are wrapper objects (a class cel-js does not export) whose valueOf() is a BigInt;
  // maps and lists return themselves from valueOf() and fall through to the error below.
  if (value !== null && typeof value === 'object' && typeof (value as { valueOf?: unknown }).valueOf === 'function') {
    const primitive = (value as { valueOf(): unknown }).valueOf();
    if (typeof primitive === 'bigint') value = primitive;
  }
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new RecordFailure(`integer result ${value} is outside ±2^53`);
    }
    return Number(value);
  }
  if (value instanceof Date) return value.getTime();
  if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  const what = Array.isArray(value) ? 'a list' : value instanceof Uint8Array ? 'bytes' : 'a map or object';
  throw new RecordFailure(`expression produced ${what}; record fields hold single values`);
}
