import type { FieldSpec, FieldType } from '../types.js';
import type { BatchProfile, FieldProfiler } from './types.js';

interface FieldStats {
  readonly name: string;
  readonly kind: 'number' | 'string' | 'other';
  valueCount: number;
  nullCount: number;
  min: number | string | null;
  max: number | string | null;
  minLength: number | null;
  maxLength: number | null;
}

const NUMERIC: ReadonlySet<FieldType> = new Set(['int', 'long', 'float', 'double', 'timestamp']);

/**
 * Accumulates a per-field profile of staged records: values and nulls, min/max of numbers and
 * timestamps, lexical min/max and lengths of strings. A value whose JavaScript type does not match
 * its field (only possible when records skipped validation) is counted but left out of min/max rather
 * than corrupting them. A distinct-count estimate is left out on purpose: it needs a sketch
 * (HyperLogLog) and the batch event has no field for it yet.
 */
export function createProfiler(fields: readonly FieldSpec[]): FieldProfiler {
  const stats: FieldStats[] = fields.map((f) => ({
    name: f.name,
    kind: NUMERIC.has(f.type) ? 'number' : f.type === 'string' ? 'string' : 'other',
    valueCount: 0,
    nullCount: 0,
    min: null,
    max: null,
    minLength: null,
    maxLength: null,
  }));
  let recordCount = 0;

  return {
    add(record) {
      recordCount++;
      for (const s of stats) {
        const value = Object.hasOwn(record, s.name) ? record[s.name] : undefined;
        if (value === undefined || value === null) {
          s.nullCount++;
          continue;
        }
        s.valueCount++;
        if (s.kind === 'number' && typeof value === 'number' && Number.isFinite(value)) widen(s, value);
        else if (s.kind === 'string' && typeof value === 'string') {
          widen(s, value);
          s.minLength = s.minLength === null ? value.length : Math.min(s.minLength, value.length);
          s.maxLength = s.maxLength === null ? value.length : Math.max(s.maxLength, value.length);
        }
      }
    },
    snapshot(): BatchProfile {
      return {
        recordCount,
        fields: stats.map((s) => ({ field: s.name, valueCount: s.valueCount, nullCount: s.nullCount, min: s.min, max: s.max })),
        textLengths: stats
          .filter((s) => s.kind === 'string')
          .map((s) => ({ field: s.name, minLength: s.minLength, maxLength: s.maxLength })),
      };
    },
  };
}

function widen(s: FieldStats, value: number | string): void {
  if (s.min === null || value < s.min) s.min = value;
  if (s.max === null || value > s.max) s.max = value;
}
