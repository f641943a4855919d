import type { MessagingMetricsPort } from '@tributary/broker';
import type { Logger } from '@tributary/observability';
import type { SchemaRegistryPort } from '@tributary/schemas';
import type { Kafka } from 'kafkajs';
import type { ProcessorOptions } from '../options.js';
import type { PipelineSource, PipelineVersion } from '@tributary/pipeline-state';

export interface ProcessorDeps {
  kafka: Kafka;
  registry: SchemaRegistryPort;
  /** Which pipelines run and with which definition (built from Kafka, see source/). */
  source: PipelineSource;
  topicPrefix: string;
  /** Stable id of this instance: names its transactional ids and its announcements. */
  processorId: string;
  /** Base URL the CPM calls this instance on (announced). */
  publicUrl: string;
  logger: Logger;
  metrics?: MessagingMetricsPort;
  options?: Partial<ProcessorOptions>;
}

/** How a pipeline stands on this instance. */
export interface LocalPipelineStatus {
  pipelineId: string;
  version: number | undefined;
  liveRunId: string | undefined;
  /** `running`: consuming; `paused`: paused here; `starting`: its consumer is joining the group. */
  state: 'running' | 'paused' | 'starting';
  /** `.staged` partitions this instance holds. */
  partitions: number[];
}

export interface Processor {
  /** Starts the consumers of every running pipeline and the announcements. The source must be started. */
  start(): Promise<void>;
  /** Stops consuming `pipelineId` here (the run goes on; other instances take its partitions). */
  pause(pipelineId: string): Promise<void>;
  resume(pipelineId: string): Promise<void>;
  /** Running and paused pipelines of this instance. */
  pipelines(): LocalPipelineStatus[];
  /** The current definition of any existing pipeline (for preview). */
  definition(pipelineId: string): PipelineVersion | undefined;
  close(): Promise<void>;
}
