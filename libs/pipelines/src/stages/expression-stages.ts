import { ExpressionScope, type CompiledExpression } from '../expressions/compile.js';
import type { FieldDeclaration, FieldType, FilterStage, MapStage } from '../types.js';
import { RecordFailure, assertFits, describeValue, isNumericType } from '../values.js';
import type { ReportIssue, StagePlan } from './types.js';
import type { FieldMap } from '../field-map.js';

interface ComputedPlan {
  readonly field: FieldDeclaration & { readonly nullable: boolean };
  readonly expression: CompiledExpression;
}

/**
 * `map` / `derive`: computed fields. Every expression of a stage reads the record as it entered the
 * stage (not the other fields computed beside it), so the order of `fields` never matters; a
 * computed field with an existing name replaces that field.
 */
export function planMap(stage: MapStage, fields: FieldMap, report: ReportIssue): StagePlan {
  const scope = new ExpressionScope(fields);
  const next: FieldMap = new Map(fields);
  const computed: ComputedPlan[] = [];
  for (const [name, spec] of Object.entries(stage.fields)) {
    const { expr, type: declared, nullable } = typeof spec === 'string' ? { expr: spec } : spec;
    const at = typeof spec === 'string' ? ['fields', name] : ['fields', name, 'expr'];
    const outcome = scope.compile(expr);
    if (!outcome.ok) {
      report(at, outcome.message);
      next.set(name, { name, type: declared ?? 'string', nullable: true });
      continue;
    }
    const { expression } = outcome;
    const type = resolveType(expression.celType, declared);
    if (typeof type !== 'string') report(declared === undefined ? at : ['fields', name, 'type'], type.error);
    const field: FieldDeclaration & { nullable: boolean } = {
      name,
      type: typeof type === 'string' ? type : (declared ?? 'string'),
      nullable: nullable ?? expression.readsNullable,
    };
    next.set(name, field);
    computed.push({ field, expression });
  }
  return {
    fields: next,
    createRunner: () => (record) => {
      // Evaluate everything first, assign after: each expression sees the record as it entered.
      const values = computed.map(({ field, expression }) => {
        try {
          const value = expression.evaluate(record);
          assertFits(value, field.type, field.nullable, 'result');
          return value;
        } catch (err) {
          throw new RecordFailure(`fields.${field.name}: ${(err as Error).message}`, { cause: err });
        }
      });
      computed.forEach(({ field }, i) => {
        record[field.name] = values[i] ?? null;
      });
      return record;
    },
  };
}

export function planFilter(stage: FilterStage, fields: FieldMap, report: ReportIssue): StagePlan {
  const outcome = new ExpressionScope(fields).compile(stage.where);
  if (!outcome.ok) report(['where'], outcome.message);
  else if (outcome.expression.celType !== 'bool' && outcome.expression.celType !== 'dyn') {
    report(['where'], `must be a boolean expression, but it is ${outcome.expression.celType}`);
  }
  return {
    fields,
    createRunner: () => {
      if (!outcome.ok) throw new Error('filter stage has compile errors');
      const { expression } = outcome;
      return (record) => {
        const keep = expression.evaluate(record);
        if (keep === true) return record;
        if (keep === false) return null;
        throw new RecordFailure(`where: produced ${describeValue(keep)} instead of true or false`);
      };
    },
  };
}

/**
 * The type a computed field gets. Declared wins when the expression can produce it; otherwise the
 * static CEL type decides: int → long, double → double, string → string, bool → boolean. Anything
 * else (dyn from nullable fields, lists, null) must be declared, because guessing a schema from one
 * record would make the output schema depend on the data.
 */
function resolveType(celType: string, declared: FieldType | undefined): FieldType | { error: string } {
  const inferred = INFERRED[celType];
  if (declared === undefined) {
    return inferred ?? {
      error: `cannot tell the type of this expression (CEL type ${celType}); declare it, e.g. { expr: "…", type: double }`,
    };
  }
  if (inferred === undefined || inferred === declared) return declared;
  const fits =
    (inferred === 'long' && isNumericType(declared)) || (inferred === 'double' && (declared === 'float' || declared === 'double'));
  if (fits) return declared;
  const hint = inferred === 'double' && isNumericType(declared) ? ' (convert with int(…))' : '';
  return { error: `is declared ${declared} but the expression produces ${celType}${hint}` };
}

const INFERRED: Partial<Record<string, FieldType>> = {
  int: 'long',
  uint: 'long',
  double: 'double',
  string: 'string',
  bool: 'boolean',
};
