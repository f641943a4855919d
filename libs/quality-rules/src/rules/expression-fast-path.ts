import type { ASTNode } from '@marcbachmann/cel-js';
import type { FieldDeclaration } from '@tributary/pipelines';

/**
 * A faster way to the same answer for the simplest expressions. Evaluating CEL costs ~100–150 ns a
 * record (a context object, ints as BigInt, dynamic dispatch), more than all other rules together,
 * while rules like `discount <= amount * 0.5` are plain arithmetic and comparisons on numbers.
 *
 * For an AST made only of fields, literals, `+ - * /` with a double operand, comparisons, `&&`,
 * `||`, `!`, unary minus and `?:`, this builds JavaScript closures that compute exactly
 * what CEL computes: doubles are IEEE in both; an int field or literal is a safe integer, exact as a
 * JS number, and mixes with a double through the pipelines' `double op int` operators, which are
 * Number arithmetic; comparisons are mathematical in both. int-only arithmetic (overflow and
 * division-by-zero errors, truncation) and everything else stays with CEL.
 *
 * The caller reads each field once and hands it to `load`, which checks that it holds what CEL would see (a
 * number for a double field, a safe integer for an int one, …); for any other value — null, text in
 * a numeric field — it evaluates with CEL instead, which gives its own result or error. So the fast
 * path changes speed, never results (test/expression-fast-path.spec.ts compares the two).
 */
export interface FastPath {
  /**
   * Stores the value of field `i` for `run`; false when it is not of the kind CEL would see, and
   * the fast path must not run. Numbers go to a Float64Array: a generic array would box each one.
   */
  readonly load: (i: number, value: unknown) => boolean;
  /** Evaluates on the values loaded last. */
  readonly run: () => boolean;
}

type Kind = 'double' | 'int' | 'bool' | 'string';
type Value = number | boolean | string;
interface Compiled {
  readonly kind: Kind;
  readonly run: () => Value;
  /** A literal's value, folded into its parent's closure (`amount * 0.5` is one closure, not two). */
  readonly constant?: number;
}

const KIND_OF_FIELD: Readonly<Record<FieldDeclaration['type'], Kind>> = {
  double: 'double',
  float: 'double',
  int: 'int',
  long: 'int',
  timestamp: 'int',
  string: 'string',
  boolean: 'bool',
};
const CODE: Readonly<Record<Kind, number>> = { double: 0, int: 1, string: 2, bool: 3 };

/**
 * The fast path of a boolean expression over `reads` (the fields it reads), or undefined. Its
 * slots are shared by every evaluator of the rule: evaluation is synchronous and never re-enters
 * the same rule, so each record's values are loaded and used before the next record's.
 */
export function fastPath(ast: ASTNode, reads: readonly FieldDeclaration[]): FastPath | undefined {
  const slots: Slots = { numbers: new Float64Array(reads.length), others: new Array<unknown>(reads.length).fill(null) };
  const index = new Map(reads.map((f, i) => [f.name, i]));
  const root = compile(ast, reads, index, slots);
  if (root?.kind !== 'bool') return undefined;
  const kinds = Uint8Array.from(reads, (f) => CODE[KIND_OF_FIELD[f.type]]);
  const { numbers, others } = slots;
  const load = (i: number, value: unknown): boolean => {
    switch (kinds[i]) {
      case 0:
        if (typeof value !== 'number') return false;
        numbers[i] = value;
        return true;
      case 1:
        // CEL sees a safe integer in an int field as an int (any other number as a double), and an
        // int has no -0: `1.0 / i` is +Infinity in CEL for i = -0, so -0 is CEL's to evaluate.
        if (!Number.isSafeInteger(value) || Object.is(value, -0)) return false;
        numbers[i] = value as number;
        return true;
      case 2:
        others[i] = value;
        return typeof value === 'string';
      default:
        others[i] = value;
        return typeof value === 'boolean';
    }
  };
  return { load, run: root.run as () => boolean };
}

interface Slots {
  readonly numbers: Float64Array;
  readonly others: unknown[];
}

type Num = () => number;
type Bool = () => boolean;

function compile(node: ASTNode, reads: readonly FieldDeclaration[], index: ReadonlyMap<string, number>, slots: Slots): Compiled | undefined {
  const { op, args } = node as { op: string; args: unknown };
  const sub = (n: unknown) => compile(n as ASTNode, reads, index, slots);
  switch (op) {
    case 'value':
      return literal(args);
    case 'id': {
      const i = typeof args === 'string' ? index.get(args) : undefined;
      if (i === undefined) return undefined;
      const kind = KIND_OF_FIELD[reads[i]!.type];
      const { numbers, others } = slots;
      return { kind, run: kind === 'double' || kind === 'int' ? () => numbers[i]! : () => others[i] as Value };
    }
    case '!_': {
      const a = sub(args);
      if (a?.kind !== 'bool') return undefined;
      const f = a.run as Bool;
      return { kind: 'bool', run: () => !f() };
    }
    case '-_': {
      const a = sub(args);
      if (a?.kind !== 'double' && a?.kind !== 'int') return undefined;
      const f = a.run as Num;
      // Negating a safe integer cannot overflow CEL's 64-bit int; `0 - x` because ints have no -0.
      return { kind: a.kind, run: a.kind === 'int' ? () => 0 - f() : () => -f() };
    }
    case '?:': {
      const [c, t, e] = (args as unknown[]).map(sub);
      if (c?.kind !== 'bool' || !t || !e || t.kind !== e.kind) return undefined;
      const [fc, ft, fe] = [c.run as Bool, t.run, e.run];
      return { kind: t.kind, run: () => (fc() ? ft() : fe()) };
    }
  }
  if (!Array.isArray(args) || args.length !== 2) return undefined;
  const a = sub(args[0]);
  const b = sub(args[1]);
  if (!a || !b) return undefined;
  return binary(op, a, b);
}

function literal(value: unknown): Compiled | undefined {
  if (typeof value === 'number') return { kind: 'double', run: () => value, constant: value };
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) return undefined;
    const n = Number(value);
    return { kind: 'int', run: () => n, constant: n };
  }
  if (typeof value === 'boolean') return { kind: 'bool', run: () => value };
  if (typeof value === 'string') return { kind: 'string', run: () => value };
  return undefined;
}

const isNumber = (k: Kind) => k === 'double' || k === 'int';

function binary(op: string, a: Compiled, b: Compiled): Compiled | undefined {
  const fa = a.run as Num;
  const fb = b.run as Num;
  switch (op) {
    case '&&':
    case '||': {
      if (a.kind !== 'bool' || b.kind !== 'bool') return undefined;
      const [x, y] = [a.run as Bool, b.run as Bool];
      // Nothing here can raise an error, so CEL's error-absorbing && and || reduce to JavaScript's.
      return { kind: 'bool', run: op === '&&' ? () => x() && y() : () => x() || y() };
    }
    case '+':
    case '-':
    case '*':
    case '/':
      // int op int has CEL's overflow and division-by-zero errors: CEL's to evaluate.
      if (!isNumber(a.kind) || !isNumber(b.kind) || (a.kind === 'int' && b.kind === 'int')) return undefined;
      return { kind: 'double', run: ARITHMETIC[op](fa, fb, b.constant) };
    case '<':
    case '<=':
    case '>':
    case '>=':
      if (!isNumber(a.kind) || !isNumber(b.kind)) return undefined;
      return { kind: 'bool', run: ORDER[op](fa, fb, b.constant) };
    case '==':
    case '!=': {
      const same = a.kind === b.kind || (isNumber(a.kind) && isNumber(b.kind));
      if (!same) return undefined;
      return { kind: 'bool', run: op === '==' ? () => fa() === fb() : () => fa() !== fb() };
    }
    default:
      return undefined;
  }
}

/** `a op b`, or `a op c` when the right operand is the literal c. */
type Combine<T> = (a: Num, b: Num, c: number | undefined) => () => T;

const ARITHMETIC: Readonly<Record<'+' | '-' | '*' | '/', Combine<number>>> = {
  '+': (a, b, c) => (c === undefined ? () => a() + b() : () => a() + c),
  '-': (a, b, c) => (c === undefined ? () => a() - b() : () => a() - c),
  '*': (a, b, c) => (c === undefined ? () => a() * b() : () => a() * c),
  '/': (a, b, c) => (c === undefined ? () => a() / b() : () => a() / c),
};

const ORDER: Readonly<Record<'<' | '<=' | '>' | '>=', Combine<boolean>>> = {
  '<': (a, b, c) => (c === undefined ? () => a() < b() : () => a() < c),
  '<=': (a, b, c) => (c === undefined ? () => a() <= b() : () => a() <= c),
  '>': (a, b, c) => (c === undefined ? () => a() > b() : () => a() > c),
  '>=': (a, b, c) => (c === undefined ? () => a() >= b() : () => a() >= c),
};
