import type { QualityIssue } from '../issues/types.js';
import type { QualityReport } from './types.js';

/**
 * The report as Markdown (GitHub tables), for a report topic, a ticket or a chat message. Times are
 * UTC ISO-8601 and numbers are formatted without locale, so the same report renders the same text
 * on every machine.
 */
export function renderQualityReportMarkdown(report: QualityReport): string {
  const { summary: s, trend: t } = report;
  const lines: string[] = [
    `# Data quality report: ${cell(report.pipelineId)}`,
    '',
    `${iso(report.from)} to ${iso(report.to)}: ${s.windows} windows (${s.emptyWindows} without records).`,
    '',
    '## Summary',
    '',
    ...table(
      ['Metric', 'Value'],
      [
        ['Records', String(s.records)],
        ['Passed', `${s.passed} (${share(s.passed, s.records)})`],
        ['Warned', `${s.warned} (${share(s.warned, s.records)})`],
        ['Quarantined', `${s.quarantined} (${share(s.quarantined, s.records)})`],
        ['Late / future (not counted)', `${s.late} / ${s.future}`],
        ['Validity', percent(s.validity)],
        ['Completeness', percent(s.completeness)],
        ['Uniqueness (within windows)', percent(s.uniqueness)],
        ['Freshness (within SLA)', percent(s.freshness)],
        ['Max lag', s.maxLagMs === null ? 'n/a' : duration(s.maxLagMs)],
        ['Quality score', s.score === null ? 'n/a' : String(s.score)],
        ['Score trend', trendText(t)],
      ],
    ),
    '',
    '## Fields',
    '',
    ...(report.fields.length === 0
      ? ['No fields seen.']
      : table(
          ['Field', 'Completeness', 'Validity', 'Non-null', 'Failed', 'Scored'],
          report.fields.map((f) => [f.field, percent(f.completeness), percent(f.validity), String(f.nonNull), String(f.failed), f.scored ? 'yes' : 'no']),
        )),
    '',
    '## Top failing rules',
    '',
    ...(report.topFailingRules.length === 0
      ? ['No rule failed.']
      : table(
          ['Rule', 'Type', 'Severity', 'Field', 'Failing records', 'Failure rate', 'Failures'],
          report.topFailingRules.map((r) => [
            r.ruleId,
            r.ruleType,
            r.severity,
            r.field ?? '',
            String(r.records),
            percent(r.failureRate),
            String(r.failures),
          ]),
        )),
    '',
    '## Open issues',
    '',
    ...issueTable(report.issues.open, false),
    '',
    '## Resolved issues',
    '',
    ...issueTable(report.issues.resolved, true),
    '',
  ];
  return lines.join('\n');
}

function issueTable(issues: readonly QualityIssue[], resolved: boolean): string[] {
  if (issues.length === 0) return ['None.'];
  const head = ['Issue', 'Severity', 'Reason', 'Opened', ...(resolved ? ['Resolved'] : []), 'Bad windows', 'Summary'];
  return table(
    head,
    issues.map((i) => [
      i.id,
      i.severity,
      i.reason,
      iso(i.openedWindowStart),
      ...(resolved ? [i.resolvedWindowEnd === undefined ? '' : iso(i.resolvedWindowEnd)] : []),
      String(i.badWindows),
      i.summary,
    ]),
  );
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [row(head), row(head.map(() => '---')), ...rows.map(row)];
}

function row(cells: readonly string[]): string {
  return `| ${cells.map(cell).join(' | ')} |`;
}

/** A pipe or a line break inside a cell would end it. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function percent(ratio: number | null): string {
  return ratio === null ? 'n/a' : `${Math.round(ratio * 10_000) / 100}%`;
}

function share(part: number, whole: number): string {
  return whole === 0 ? 'n/a' : percent(part / whole);
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.round(ms / 6000) / 10} min`;
}

function trendText(t: QualityReport['trend']): string {
  if (t.slopePerHour === null) return `${t.direction} (too few windows to fit)`;
  const slope = Math.round(t.slopePerHour * 100) / 100;
  return `${t.direction} (${slope >= 0 ? '+' : ''}${slope} points/hour; min ${t.min ?? 'n/a'}, max ${t.max ?? 'n/a'})`;
}
