import type { BrokerLogger, EventCodecPort } from '@tributary/broker';
import type { Kafka } from 'kafkajs';
import { PipelineStateError } from './errors.js';

/** What every view needs: where to read, how to decode, and where to log. */
export interface ViewOptions {
  /** A kafkajs client (e.g. from createKafka); the view creates its own consumer and admin from it. */
  readonly kafka: Kafka;
  /** Decodes Avro values (createEventCodec of @tributary/schemas satisfies it). */
  readonly codec: Pick<EventCodecPort, 'decode'>;
  /** First segment of every topic name (TRIBUTARY_TOPIC_PREFIX), e.g. `tributary`. */
  readonly topicPrefix: string;
  /** Default: silent. */
  readonly logger?: BrokerLogger;
}

const PREFIX = /^[a-zA-Z0-9_-]+(\.[a-zA-Z0-9_-]+)*$/;

/** Validates the shared options once, at the boundary; the caller's object is not modified. */
export function checkViewOptions(options: ViewOptions, view: string): void {
  const problems: string[] = [];
  if (typeof options.kafka?.consumer !== 'function') problems.push('kafka: a kafkajs client is required');
  if (typeof options.codec?.decode !== 'function') problems.push('codec: a codec with decode() is required');
  if (typeof options.topicPrefix !== 'string' || !PREFIX.test(options.topicPrefix)) {
    problems.push(`topicPrefix: must be dot-separated segments of letters, digits, _ or -, got ${JSON.stringify(options.topicPrefix)}`);
  }
  if (problems.length > 0) throw new PipelineStateError('TRIB_VIEW_OPTIONS_INVALID', `Invalid ${view} options: ${problems.join('; ')}`);
}
