import type { ApplyTopicsResult, TopicDrift } from '@tributary/broker';
import { resolveTopicSpec, type TopicSpec } from '@tributary/schemas';

/** What `topics:apply` did, in the shape `--json` prints and the text report is made from. */
export interface CatalogReport {
  readonly ok: boolean;
  /** 0 all fine, 2 drift found. (1, an error, is reported by {@link errorReport}.) */
  readonly exitCode: 0 | 2;
  readonly bootstrap: readonly string[];
  readonly prefix: string;
  readonly brokerCount: number;
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
  readonly dryRun: boolean;
  readonly created: readonly string[];
  /** Missing topics a dry run would create. */
  readonly toCreate: readonly string[];
  readonly upToDate: readonly string[];
  readonly drift: readonly TopicDrift[];
  readonly concurrentCreate: boolean;
}

export function buildReport(
  result: ApplyTopicsResult,
  context: { bootstrap: readonly string[]; prefix: string; catalog: readonly TopicSpec[] },
): CatalogReport {
  // Every catalog topic shares the replication intent; show what it resolved to on this cluster.
  const sample = context.catalog[0] && resolveTopicSpec(context.catalog[0], { brokerCount: result.brokerCount });
  return {
    ok: result.drift.length === 0,
    exitCode: result.drift.length === 0 ? 0 : 2,
    bootstrap: context.bootstrap,
    prefix: context.prefix,
    brokerCount: result.brokerCount,
    replicationFactor: sample ? sample.replicationFactor : 0,
    minInsyncReplicas: sample ? Number(sample.configs['min.insync.replicas']) : 0,
    dryRun: result.dryRun,
    created: result.created,
    toCreate: result.dryRun ? result.plan.create.map((t) => t.name) : [],
    upToDate: result.upToDate,
    drift: result.drift,
    concurrentCreate: result.concurrentCreate,
  };
}

/** One line per topic in catalog order, one more per difference, then a summary. */
export function formatReport(report: CatalogReport, catalog: readonly TopicSpec[]): string {
  const lines = [
    `Topic catalog "${report.prefix}" on ${report.bootstrap.join(',')}: ${plural(report.brokerCount, 'broker')}, ` +
      `so replication ${report.replicationFactor} and min.insync.replicas ${report.minInsyncReplicas}` +
      (report.dryRun ? ' (dry run: nothing is changed)' : ''),
  ];
  const width = Math.max(...catalog.map((t) => t.name.length));
  const driftOf = groupBy(report.drift, (d) => d.topic);
  for (const spec of catalog) {
    const drift = driftOf.get(spec.name);
    const status = drift
      ? 'drift'
      : report.created.includes(spec.name)
        ? 'created'
        : report.toCreate.includes(spec.name)
          ? 'to create'
          : 'up-to-date';
    lines.push(`  ${status.padEnd(10)}  ${spec.name.padEnd(width)}  ${describeSpec(spec)}`);
    for (const d of drift ?? []) {
      lines.push(`${' '.repeat(14)}${d.field}: expected ${showValue(d, d.expected)}, actual ${showValue(d, d.actual)}`);
      lines.push(`${' '.repeat(16)}fix: ${d.remedy.replaceAll('<broker>', report.bootstrap[0] ?? '<broker>')}`);
    }
  }
  const drifted = driftOf.size;
  lines.push(
    `${plural(catalog.length, 'topic')}: ${report.dryRun ? `${report.toCreate.length} to create` : `${report.created.length} created`}, ` +
      `${report.upToDate.length} up to date, ${drifted} drifted` +
      (drifted > 0 ? ` (${plural(report.drift.length, 'difference')})` : '') +
      '.',
  );
  if (report.concurrentCreate) {
    lines.push('Another client created some of these topics at the same time; they were checked like existing ones.');
  }
  if (drifted > 0) {
    lines.push(
      'DRIFT: the topics above differ from the catalog. They were left as they are: changing a live topic can',
      'move keys between partitions or delete data, so an operator decides (or the catalog is updated).',
    );
  }
  return lines.join('\n');
}

export function errorReport(code: string, message: string): { ok: false; exitCode: 1; error: { code: string; message: string } } {
  return { ok: false, exitCode: 1, error: { code, message } };
}

function showValue(drift: TopicDrift, value: number | string | null): string {
  if (value === null) return 'unknown';
  if (drift.field === 'retention.ms' && Number.isFinite(Number(value))) return `${value} (${formatDuration(Number(value))})`;
  return String(value);
}

function describeSpec(spec: TopicSpec): string {
  const bands = spec.priorityBands?.map((b) => `${b.priority} ${b.firstPartition}-${b.lastPartition}`).join(' / ');
  return (
    `${plural(spec.partitions, 'partition')}, ${spec.cleanupPolicy}, retention ${formatDuration(spec.retentionMs)}` +
    (bands ? `, bands ${bands}` : '')
  );
}

export function formatDuration(ms: number): string {
  if (ms < 0) return 'forever';
  const units: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'min'], [1000, 's']];
  for (const [size, unit] of units) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
