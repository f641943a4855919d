import { parseWindow } from '../duration.js';
import { unknownField, type FieldMap } from '../field-map.js';
import { pipelineDefaults } from '../options.js';
import type { DedupeStage } from '../types.js';
import { RecordFailure, describeValue, isIntegralType } from '../values.js';
import type { ReportIssue, StagePlan } from './types.js';

/**
 * Remembers dedupe keys for one window of event time, in bounded memory.
 *
 * A key opens a window at the time of its first record; a record with the same key less than
 * `windowMs` from that time (before or after: records arrive out of order) is a duplicate. The
 * window is not extended by duplicates, so a key seen continuously still passes once per window.
 *
 * State is per instance and in memory: processors scale by Kafka partition, so each partition gets
 * its own compiled pipeline, and the dedupe keys should include the record key so that duplicates
 * land in the same partition. A restart forgets the state: dedupe here trims duplicates, and
 * idempotent sinks make delivery effectively-once.
 */
export class DedupeWindow {
  // Insertion order is window-start order for records that arrive in time order, which lets expiry
  // sweep from the front and eviction drop the oldest first.
  readonly #seen = new Map<string, number>();
  #watermark = Number.NEGATIVE_INFINITY;

  constructor(
    readonly windowMs: number,
    readonly maxKeys: number,
  ) {}

  get size(): number {
    return this.#seen.size;
  }

  /** True when `key` at event time `time` repeats a key seen within the window; records it otherwise. */
  isDuplicate(key: string, time: number): boolean {
    if (time > this.#watermark) {
      this.#watermark = time;
      this.#expire();
    }
    const first = this.#seen.get(key);
    if (first !== undefined && Math.abs(time - first) < this.windowMs) return true;
    // A record older than the remembered window start is let through without moving the window back.
    if (first === undefined || time > first) {
      this.#seen.delete(key);
      this.#seen.set(key, time);
      if (this.#seen.size > this.maxKeys) {
        const oldest = this.#seen.keys().next();
        if (oldest.done !== true) this.#seen.delete(oldest.value);
      }
    }
    return false;
  }

  /** Forgets windows that ended before the latest event time (a record later than a window may pass). */
  #expire(): void {
    const horizon = this.#watermark - this.windowMs;
    for (const [key, start] of this.#seen) {
      if (start > horizon) break;
      this.#seen.delete(key);
    }
  }
}

export function planDedupe(stage: DedupeStage, fields: FieldMap, report: ReportIssue): StagePlan {
  stage.keys.forEach((key, i) => {
    if (!fields.has(key)) report(['keys', i], unknownField(key, fields));
  });
  if (stage.timeField !== undefined) {
    const field = fields.get(stage.timeField);
    if (!field) report(['timeField'], unknownField(stage.timeField, fields));
    else if (!isIntegralType(field.type)) report(['timeField'], `must be a timestamp (epoch ms) field, but "${field.name}" is ${field.type}`);
  }
  const windowMs = checkWindow(stage.window, report);
  const { keys, timeField } = stage;
  return {
    fields,
    createRunner: () => {
      const window = new DedupeWindow(windowMs, stage.maxKeys ?? pipelineDefaults.dedupeMaxKeys);
      return (record, ctx) => {
        let time = ctx.now;
        if (timeField !== undefined) {
          const value = record[timeField];
          if (typeof value !== 'number' || !Number.isFinite(value)) {
            throw new RecordFailure(`timeField ${timeField}: ${describeValue(value)} is not a time in epoch ms`);
          }
          time = value;
        }
        const key = JSON.stringify(keys.map((k) => record[k] ?? null));
        return window.isDuplicate(key, time) ? null : record;
      };
    },
  };
}

/** Window length in ms; reports (at `window`) and returns 1 when it is not a usable duration. */
export function checkWindow(window: string, report: ReportIssue, at: readonly (string | number)[] = ['window']): number {
  const ms = parseWindow(window);
  if (ms === undefined) report(at, 'must be a duration such as 500ms, 30s, 10m, 2h or 1d');
  else if (ms <= 0) report(at, 'must be longer than 0');
  else if (ms > pipelineDefaults.dedupeMaxWindowMs) report(at, 'must be at most 7d: dedupe state is kept in memory');
  else return ms;
  return 1;
}
