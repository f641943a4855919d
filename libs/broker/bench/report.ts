/** Printing the benchmark's figures: numbers, sections and the final summary table. */

export const int = (n: number): string => Math.round(n).toLocaleString('en-US');
export const fixed = (n: number, digits = 2): string => n.toFixed(digits);
export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
export const percent = (ratio: number): string => `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(1)}%`;

export function section(title: string): void {
  console.log(`\n== ${title} ${'='.repeat(Math.max(0, 76 - title.length))}`);
}

/** A fixed-width table; numbers (and anything starting with a digit, + or −) align right. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const right = (s: string) => /^[-+\d]/.test(s);
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (right(c) && i > 0 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export interface GoalRow {
  measure: string;
  tributary: string;
  baseline: string;
  ratio: string;
  goal: string;
  /** undefined: informational, no goal. */
  met: boolean | undefined;
}

export function summary(rows: readonly GoalRow[]): string {
  return table(
    ['measure', 'tributary', 'baseline', 'ratio', 'goal', 'result'],
    rows.map((r) => [r.measure, r.tributary, r.baseline, r.ratio, r.goal, r.met === undefined ? 'info' : r.met ? 'OK' : 'MISSED']),
  );
}
