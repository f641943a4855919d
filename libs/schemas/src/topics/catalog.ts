import { SchemasError } from '../errors.js';
import { priorityBands } from './bands.js';
import {
  assertPositiveInteger,
  assertValidPipelineId,
  assertValidPrefix,
  assertValidTopicName,
  topicCatalogDefaults,
} from './options.js';
import { topicRetentionMs } from './retention.js';
import type { ControlTopicCatalog, ManagerName, PipelineDataStage, TopicSpec } from './types.js';

export const MANAGERS: readonly ManagerName[] = [
  'staging',
  'pipeline',
  'quality',
  'analytics',
  'insight',
  'monitoring',
  'report',
  'recommendation',
];

export const PIPELINE_DATA_STAGES: readonly PipelineDataStage[] = [
  'raw',
  'staged',
  'processed',
  'validated',
  'quarantine',
  'rejected',
];

/** Suffix of a dead-letter topic: `<topic>.dlq`. */
export const DLQ_SUFFIX = '.dlq';

// Six command partitions give two per priority band, so two instances of a manager each get a
// partition of every band. Event and metric topics use six too (1, 2, 3 or 6 consumers split evenly).
const COMMAND_PARTITIONS = 6;
const EVENT_PARTITIONS = 6;
const METRIC_PARTITIONS = 6;
// Low-volume compacted/alert topics: fewer partitions, fewer segments to compact.
const DEFINITION_PARTITIONS = 3;
const ALERT_PARTITIONS = 3;
// Dead letters are rare; a few partitions let a redrive run in parallel without many empty logs.
const MAX_DLQ_PARTITIONS = 3;

export interface CatalogOptions {
  /** First segment of every name. Default {@link topicCatalogDefaults.prefix}. */
  readonly prefix?: string;
}

/** The control plane's topics by role: commands and events per manager, definitions, metrics, alerts. */
export function controlTopicCatalog(options: CatalogOptions = {}): ControlTopicCatalog {
  const prefix = assertValidPrefix(options.prefix ?? topicCatalogDefaults.prefix);
  const byManager = (make: (manager: ManagerName) => TopicSpec) =>
    Object.fromEntries(MANAGERS.map((m) => [m, make(m)])) as Record<ManagerName, TopicSpec>;

  return {
    prefix,
    commands: byManager((manager) =>
      topic({
        name: `${prefix}.${manager}.commands`,
        kind: 'commands',
        description: `Commands for the ${manager} manager, keyed by target id; partitions banded by priority.`,
        partitions: COMMAND_PARTITIONS,
        retentionMs: topicRetentionMs.commands,
        cleanupPolicy: 'delete',
        priorityBands: priorityBands(COMMAND_PARTITIONS),
      }),
    ),
    events: byManager((manager) =>
      topic({
        name: `${prefix}.${manager}.events`,
        kind: 'events',
        description: `Facts published by the ${manager} manager, keyed by entity id.`,
        partitions: EVENT_PARTITIONS,
        retentionMs: topicRetentionMs.events,
        cleanupPolicy: 'delete',
      }),
    ),
    pipelineDefinitions: topic({
      name: `${prefix}.pipeline.definitions`,
      kind: 'state',
      description: 'Latest definition of every pipeline, keyed by pipeline id; a tombstone deletes it.',
      partitions: DEFINITION_PARTITIONS,
      retentionMs: topicRetentionMs.forever,
      cleanupPolicy: 'compact',
    }),
    monitoringMetrics: topic({
      name: `${prefix}.monitoring.metrics`,
      kind: 'metrics',
      description: 'Metric samples from every service and pipeline, keyed by metric series.',
      partitions: METRIC_PARTITIONS,
      retentionMs: topicRetentionMs.metrics,
      cleanupPolicy: 'delete',
    }),
    monitoringAlerts: topic({
      name: `${prefix}.monitoring.alerts`,
      kind: 'alerts',
      description: 'Alert history: every state transition, keyed by alert fingerprint.',
      partitions: ALERT_PARTITIONS,
      retentionMs: topicRetentionMs.alerts,
      cleanupPolicy: 'delete',
    }),
  };
}

/**
 * Every control topic as one list, in a stable order, each followed by its dead-letter topic unless
 * `deadLetters` is false. This is what `topics:apply` provisions. The schema registry's own journal
 * topics are the registry's business and are not declared here.
 */
export function controlTopics(options: CatalogOptions & { readonly deadLetters?: boolean } = {}): TopicSpec[] {
  const catalog = controlTopicCatalog(options);
  const specs = [
    ...MANAGERS.flatMap((m) => [catalog.commands[m], catalog.events[m]]),
    catalog.pipelineDefinitions,
    catalog.monitoringMetrics,
    catalog.monitoringAlerts,
  ];
  return withDeadLetters(specs, options.deadLetters ?? topicCatalogDefaults.deadLetters);
}

export interface PipelineDataTopicOptions extends CatalogOptions {
  /** Partitions of every data topic of the pipeline. Default {@link topicCatalogDefaults.dataPartitions}. */
  readonly partitions?: number;
  /** Per-stage `retention.ms` overrides; others keep {@link topicRetentionMs}.data. */
  readonly retentionMs?: Partial<Readonly<Record<PipelineDataStage, number>>>;
  /** Also declare `<topic>.dlq` for each stage. Default true. */
  readonly deadLetters?: boolean;
}

/**
 * The data topics of one pipeline, `<prefix>.data.<pipelineId>.<stage>` in stage order (each followed
 * by its DLQ by default). Declared by a function because pipelines are created at run time.
 */
export function pipelineDataTopics(pipelineId: string, options: PipelineDataTopicOptions = {}): TopicSpec[] {
  const prefix = assertValidPrefix(options.prefix ?? topicCatalogDefaults.prefix);
  const id = assertValidPipelineId(pipelineId);
  const partitions = assertPositiveInteger('partitions', options.partitions ?? topicCatalogDefaults.dataPartitions);
  const specs = PIPELINE_DATA_STAGES.map((stage) =>
    topic({
      name: `${prefix}.data.${id}.${stage}`,
      kind: 'data',
      description: `Pipeline ${id}, ${stage} records, keyed by record id.`,
      partitions,
      retentionMs: options.retentionMs?.[stage] ?? topicRetentionMs.data[stage],
      cleanupPolicy: 'delete',
    }),
  );
  return withDeadLetters(specs, options.deadLetters ?? topicCatalogDefaults.deadLetters);
}

/**
 * The dead-letter topic of `spec`: `<name>.dlq`, a few partitions, kept a month, never compacted
 * (every failed record matters, not just the latest per key). A DLQ has no DLQ of its own.
 */
export function dlqTopicFor(spec: TopicSpec): TopicSpec {
  if (spec.kind === 'dead-letters') {
    throw new SchemasError('TRIB_TOPIC_SPEC_INVALID', `${spec.name} is already a dead-letter topic`);
  }
  return topic({
    name: `${spec.name}${DLQ_SUFFIX}`,
    kind: 'dead-letters',
    description: `Records from ${spec.name} its consumers could not handle, with error and origin headers.`,
    partitions: Math.min(spec.partitions, MAX_DLQ_PARTITIONS),
    replication: spec.replication,
    retentionMs: topicRetentionMs.deadLetters,
    cleanupPolicy: 'delete',
  });
}

function withDeadLetters(specs: TopicSpec[], deadLetters: boolean): TopicSpec[] {
  return deadLetters ? specs.flatMap((s) => [s, dlqTopicFor(s)]) : specs;
}

// Every spec goes through here, so no name escapes validation and every topic gets the same
// replication intent unless it says otherwise.
function topic(spec: Omit<TopicSpec, 'replication'> & { replication?: TopicSpec['replication'] }): TopicSpec {
  assertValidTopicName(spec.name);
  return { ...spec, replication: spec.replication ?? topicCatalogDefaults.replication };
}
