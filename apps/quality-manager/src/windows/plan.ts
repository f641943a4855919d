import { outputSchema, parseWindow, type PipelineDefinition } from '@tributary/pipelines';
import { expectationFields, parseWindowExpectations, type QualityMetricsTuning, type UniqueRuleInfo, type WindowExpectation } from '@tributary/quality-metrics';
import type { CompiledRuleSet } from '@tributary/quality-rules';

/** How a pipeline version's records are counted into windows, shared by the checker and the tracker. */
export interface WindowPlan {
  /** Window size of the deltas (and of the issue detector's windows). */
  readonly windowSize: string;
  readonly uniqueRules: readonly UniqueRuleInfo[];
  readonly freshness?: { readonly field: string; readonly slaMs: number };
  readonly expectations: readonly WindowExpectation[];
  /** The same field limits for accumulators, merges and metrics: they decide which fields a delta keeps. */
  readonly limits: Pick<QualityMetricsTuning, 'fields' | 'trackFields'>;
}

/** Delta windows are one minute: the detector judges minute by minute; larger expectation windows roll them up. */
export const DELTA_WINDOW = '1m';

interface DeclaredRule {
  readonly id: string;
  readonly type: string;
  readonly fields?: readonly string[];
  readonly field?: string;
  readonly maxAge?: string;
}

/**
 * Reads what the metrics need from the definition's declared rules (already validated by
 * `pipelineRuleSet`): the unique rules' key fields, the first freshness rule's field and maximum age,
 * and the window expectations.
 */
export function windowPlan(definition: PipelineDefinition, rules: CompiledRuleSet | undefined): WindowPlan {
  const declared = ((definition.quality?.rules ?? []) as readonly DeclaredRule[]).filter((r) => typeof r === 'object' && r !== null);
  const uniqueRules = declared.filter((r) => r.type === 'unique').map((r) => ({ ruleId: r.id, fields: [...(r.fields ?? [])] }));
  const fresh = declared.find((r) => r.type === 'freshness' && r.field !== undefined && r.maxAge !== undefined);
  const slaMs = fresh?.maxAge === undefined ? undefined : parseWindow(fresh.maxAge);
  const expectations = parseWindowExpectations(rules?.windowExpectations ?? []);
  return {
    windowSize: DELTA_WINDOW,
    uniqueRules,
    ...(fresh?.field !== undefined && slaMs !== undefined ? { freshness: { field: fresh.field, slaMs } } : {}),
    expectations,
    limits: { fields: outputSchema(definition), trackFields: expectationFields(expectations) },
  };
}
