import type { Writer } from '../io.js';
import type { Run, StageCount } from '../client/types.js';

/** Columns aligned with two spaces between them; the header row is upper-cased. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers.map((h) => h.toUpperCase()), ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n') + '\n';
}

/** `key: value` lines with the keys aligned. */
export function renderFields(fields: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...fields.map(([k]) => k.length)) + 1;
  return fields.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}`).join('\n') + '\n';
}

/**
 * JSON that never throws on Kafka/Avro values: bigints become strings and Buffers base64 text
 * (`JSON.stringify` would throw on the first and spell the second as an array of bytes).
 */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    function (this: Record<string, unknown>, key: string, v: unknown) {
      const raw = this[key];
      if (typeof raw === 'bigint') return raw.toString();
      if (Buffer.isBuffer(raw)) return raw.toString('base64');
      return v;
    },
    indent,
  );
}

export function writeJson(out: Writer, value: unknown): void {
  out.write(`${toJson(value, 2)}\n`);
}

/** ISO-8601 of an epoch-ms number or a date string; `-` when absent. */
export function formatTime(value: string | number | undefined | null): string {
  if (value === undefined || value === null || value === '') return '-';
  const date = new Date(typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
}

/** `staging 10/9/1  totals 9/9/0` (in/out/errored per stage). */
export function formatStages(stages: readonly StageCount[] | undefined): string {
  if (!stages || stages.length === 0) return '-';
  return stages.map((s) => `${s.stage} ${s.in}/${s.out}/${s.errored}`).join('  ');
}

export function stageTable(stages: readonly StageCount[]): string {
  return renderTable(
    ['stage', 'in', 'out', 'errored'],
    stages.map((s) => [s.stage, String(s.in), String(s.out), String(s.errored)]),
  );
}

export function runLabel(run: Run | undefined): string {
  return run ? `${run.runId} (${run.mode}, ${run.status})` : '-';
}

/** `1.5 s`, `2 m 03 s`. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
}
