import { SchemasError } from '../errors.js';
import type { ReplicationIntent } from './types.js';

/** Defaults of the topic catalog, in one place. */
export const topicCatalogDefaults = {
  /** First segment of every topic name; the same default as TRIBUTARY_TOPIC_PREFIX in @tributary/config. */
  prefix: 'tributary',
  /**
   * Three copies, two of them acknowledged before a write succeeds: the usual Kafka production
   * setting, surviving one broker loss without losing acknowledged data or blocking producers.
   */
  replication: { factor: 3, minInsyncReplicas: 2 } satisfies ReplicationIntent,
  /** Partitions of a per-pipeline data topic: room for six consumers of a stage per pipeline. */
  dataPartitions: 6,
  /** Declare `<topic>.dlq` next to every topic a Tributary consumer reads (all of them). */
  deadLetters: true,
} as const;

// Kafka allows [a-zA-Z0-9._-] up to 249 characters; "." and ".." are reserved.
const KAFKA_TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;
// The prefix is one name segment, so no "."; 64 keeps the longest derived name far below 249.
const PREFIX = /^[A-Za-z0-9_-]{1,64}$/;
// Pipeline ids become one name segment (no "."), appear in URLs and metric labels (lower case),
// and must start with a letter or digit so names never hold "..", "-." or "_." runs.
const PIPELINE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** True when Kafka accepts `name` as a topic name. */
export function isValidTopicName(name: string): boolean {
  return KAFKA_TOPIC_NAME.test(name) && name !== '.' && name !== '..';
}

export function assertValidTopicName(name: string): string {
  if (!isValidTopicName(name)) {
    throw new SchemasError('TRIB_TOPIC_NAME_INVALID', `"${name}" is not a valid Kafka topic name (1-249 of [A-Za-z0-9._-])`);
  }
  return name;
}

export function assertValidPrefix(prefix: string): string {
  if (!PREFIX.test(prefix)) {
    throw new SchemasError('TRIB_TOPIC_NAME_INVALID', `Topic prefix "${prefix}" must be 1-64 of [A-Za-z0-9_-]`);
  }
  return prefix;
}

/** True when `id` can name a pipeline (and so be a segment of its data topic names). */
export function isValidPipelineId(id: string): boolean {
  return PIPELINE_ID.test(id);
}

export function assertValidPipelineId(id: string): string {
  if (!isValidPipelineId(id)) {
    throw new SchemasError(
      'TRIB_TOPIC_NAME_INVALID',
      `Pipeline id "${id}" must be 1-64 of [a-z0-9_-], starting with a letter or digit`,
    );
  }
  return id;
}

export function assertPositiveInteger(what: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new SchemasError('TRIB_TOPIC_SPEC_INVALID', `${what} must be a positive integer, got ${value}`);
  }
  return value;
}
