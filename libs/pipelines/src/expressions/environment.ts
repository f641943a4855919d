import { Environment } from '@marcbachmann/cel-js';
import { pipelineDefaults } from '../options.js';

/**
 * The CEL environment every pipeline expression starts from: the CEL standard library plus a few
 * additions that data pipelines expect. It is built once and frozen (cel-js freezes an environment
 * when it is cloned), and each stage clones it to declare the fields it can see.
 *
 * What is deliberately absent: any clock (`now()`), randomness or I/O, so that a replay of the same
 * input through the same definition gives the same output; and any way to reach JS objects: CEL
 * reads only the variables a stage declares, never properties of their prototypes.
 */
let base: Environment | undefined;

export function baseEnvironment(): Environment {
  base ??= buildBase();
  return base;
}

type Numeric = number | bigint;

function buildBase(): Environment {
  const env = new Environment({
    limits: { ...pipelineDefaults.expressionLimits },
    // Undeclared names are compile errors: that is how a misspelt field is caught before data flows.
    unlistedVariablesAreDyn: false,
  });
  // CEL keeps int (64-bit) and double apart: `price * 2` is an error in standard CEL. Records come
  // from JSON/Avro where that distinction is invisible to whoever writes the definition, so mixed
  // arithmetic is allowed and gives a double, like SQL and JavaScript. Registering `double == int`
  // also registers `int == double` and both `!=`.
  const mixed: [string, (a: Numeric, b: Numeric) => number][] = [
    ['+', (a, b) => Number(a) + Number(b)],
    ['-', (a, b) => Number(a) - Number(b)],
    ['*', (a, b) => Number(a) * Number(b)],
    ['/', (a, b) => Number(a) / Number(b)],
  ];
  for (const [op, fn] of mixed) {
    // The return type must be spelt out: without it cel-js types the result like the left operand.
    env.registerOperator(`double ${op} int: double`, fn);
    env.registerOperator(`int ${op} double: double`, fn);
  }
  env.registerOperator('double == int: bool', (a: Numeric, b: Numeric) => Number(a) === Number(b));

  env.registerFunction('abs(int): int', (x: bigint) => (x < 0n ? -x : x));
  env.registerFunction('abs(double): double', Math.abs);
  env.registerFunction('floor(double): double', Math.floor);
  env.registerFunction('ceil(double): double', Math.ceil);
  // Half away from zero (2.5 → 3, -2.5 → -3): what people expect from money, unlike Math.round.
  env.registerFunction('round(double): double', (x: number) => Math.sign(x) * Math.round(Math.abs(x)));
  env.registerFunction('min(int, int): int', (a: bigint, b: bigint) => (a < b ? a : b));
  env.registerFunction('max(int, int): int', (a: bigint, b: bigint) => (a > b ? a : b));
  env.registerFunction('min(double, double): double', Math.min);
  env.registerFunction('max(double, double): double', Math.max);
  return env;
}
