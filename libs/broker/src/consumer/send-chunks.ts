import type { Message, TopicMessages } from 'kafkajs';

/**
 * Bytes per produce call of a transaction. kafkajs writes one record batch per partition and call, and
 * the broker refuses a batch over the topic's `max.message.bytes` (1 MiB by default) with a
 * non-retriable error: a transaction of large outputs (e.g. `RecordRejected`s of 64 KiB records) must
 * be sent in several calls, or its partition would fail on it forever.
 */
export const MAX_SEND_BYTES = 512 * 1024;

/** Approximate bytes of a message on the wire: key, value and headers (record overhead left out). */
export function messageBytes(message: Message): number {
  let bytes = byteLength(message.key) + byteLength(message.value);
  const headers = message.headers ?? {};
  // for…in, not Object.entries: this runs per message sent, and entries() allocates a pair per header.
  for (const name in headers) {
    const value = headers[name];
    bytes += name.length;
    if (Array.isArray(value)) for (const v of value) bytes += byteLength(v);
    else bytes += byteLength(value);
  }
  return bytes;
}

function byteLength(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

/**
 * Splits messages grouped by topic into produce calls of at most `maxBytes` each (a message larger than
 * that goes alone). Order within a topic is kept across the calls, and calls are meant to be sent in turn.
 */
export function chunkTopicMessages(byTopic: ReadonlyMap<string, readonly Message[]>, maxBytes = MAX_SEND_BYTES): TopicMessages[][] {
  const calls: TopicMessages[][] = [];
  let call: TopicMessages[] = [];
  let callBytes = 0;
  for (const [topic, messages] of byTopic) {
    let current: Message[] | undefined;
    for (const message of messages) {
      const bytes = messageBytes(message);
      if (callBytes > 0 && callBytes + bytes > maxBytes) {
        calls.push(call);
        call = [];
        callBytes = 0;
        current = undefined;
      }
      if (!current) {
        current = [];
        call.push({ topic, messages: current });
      }
      current.push(message);
      callBytes += bytes;
    }
  }
  if (call.length > 0) calls.push(call);
  return calls;
}
