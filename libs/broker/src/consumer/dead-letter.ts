import { DLQ_SUFFIX } from '@tributary/schemas';
import type { KafkaMessage } from 'kafkajs';
import { DeadLetterHeaders, headersToStrings } from '../headers.js';
import { errorCode } from '../retry/index.js';

/** The dead-letter topic of a topic (DESIGN.md: `<topic>.dlq`). */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}${DLQ_SUFFIX}`;
}

/** Longest error message kept in a header: enough to diagnose, small enough for every tool. */
const MAX_ERROR_MESSAGE = 2_000;

/**
 * The dead letter of a message: its original key, value bytes and headers untouched, plus headers
 * saying why it failed and where it came from, so it can be inspected with console tools and
 * redriven to where it was.
 */
export function deadLetterOf(
  message: KafkaMessage,
  origin: { topic: string; partition: number; groupId: string },
  failure: { error: unknown; attempts: number; firstFailureAt: number; now: number },
): { key: Buffer | null; value: Buffer | null; headers: Record<string, string> } {
  const text = failure.error instanceof Error ? failure.error.message : String(failure.error);
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...headersToStrings(message.headers),
      [DeadLetterHeaders.errorCode]: errorCode(failure.error),
      [DeadLetterHeaders.errorMessage]: text.slice(0, MAX_ERROR_MESSAGE),
      [DeadLetterHeaders.attempts]: String(failure.attempts),
      [DeadLetterHeaders.firstFailureAt]: new Date(failure.firstFailureAt).toISOString(),
      [DeadLetterHeaders.originalTopic]: origin.topic,
      [DeadLetterHeaders.originalPartition]: String(origin.partition),
      [DeadLetterHeaders.originalOffset]: message.offset,
      [DeadLetterHeaders.consumerGroup]: origin.groupId,
      [DeadLetterHeaders.deadLetteredAt]: new Date(failure.now).toISOString(),
    },
  };
}
