import { parseWindow } from '@tributary/pipelines';
import type { QualityWindowMetrics } from '../types.js';
import type { ExpectationResult, WindowExpectation } from './types.js';

/**
 * Judges the expectations declared for windows of this window's size (others are skipped: give the
 * reducer every size, see expectationWindowSizes). Results follow the declaration order.
 */
export function evaluateExpectations(window: QualityWindowMetrics, expectations: readonly WindowExpectation[]): ExpectationResult[] {
  const size = window.windowEnd - window.windowStart;
  return expectations.filter((e) => parseWindow(e.window) === size).map((e) => evaluateOne(window, e));
}

/** Distinct window sizes (ms, ascending) of the expectations: the reducer's windowSizes need them all. */
export function expectationWindowSizes(expectations: readonly WindowExpectation[]): number[] {
  const sizes = new Set<number>();
  for (const e of expectations) {
    const ms = parseWindow(e.window);
    if (ms !== undefined) sizes.add(ms);
  }
  return [...sizes].sort((a, b) => a - b);
}

/** Fields the expectations judge: pass them as `trackFields` so no window can leave them out. */
export function expectationFields(expectations: readonly WindowExpectation[]): string[] {
  const fields = new Set<string>();
  for (const e of expectations) if (e.type !== 'volume' && e.field !== undefined) fields.add(e.field);
  return [...fields].sort();
}

function evaluateOne(window: QualityWindowMetrics, e: WindowExpectation): ExpectationResult {
  const observedValue = observe(window, e);
  const min = e.min;
  const max = e.type === 'volume' ? e.max : undefined;
  const success = observedValue === null || ((min === undefined || observedValue >= min) && (max === undefined || observedValue <= max));
  const field = e.type === 'volume' ? undefined : e.field;
  return {
    expectationId: e.id,
    type: e.type,
    pipelineId: window.pipelineId,
    window: e.window,
    windowStart: window.windowStart,
    windowEnd: window.windowEnd,
    ...(field !== undefined ? { field } : {}),
    observedValue,
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
    success,
  };
}

function observe(window: QualityWindowMetrics, e: WindowExpectation): number | null {
  if (e.type === 'volume') return window.counts.records;
  if (window.counts.records === 0) return null;
  if (e.type === 'validity' && e.field === undefined) return window.validity;
  const field = window.fields.find((f) => f.field === e.field);
  if (field) return e.type === 'completeness' ? field.completeness : field.validity;
  // Untracked because the window hit its field limit: unknown. Otherwise never seen: all null, no failure.
  if (window.fieldsTruncated) return null;
  return e.type === 'completeness' ? 0 : 1;
}
