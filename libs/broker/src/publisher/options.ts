import { CompressionTypes } from 'kafkajs';

/** Batching and back-pressure of the publisher. */
export interface PublisherOptions {
  /** Most messages in one `sendBatch`. Default 2,000. */
  maxBatchCount: number;
  /** Most bytes (keys + values) in one `sendBatch`. Default 1 MiB, the broker's default max message batch. */
  maxBatchBytes: number;
  /** How long a lone publish waits for company before it is sent. Default 2 ms. */
  lingerMs: number;
  /** Bytes queued or in flight before `publish` waits for room (back-pressure). Default 32 MiB. */
  bufferMaxBytes: number;
  /** Batch compression. Default none: on loopback and small records CPU matters more than bytes. */
  compression: 'none' | 'gzip';
  /** kafkajs request timeout for a send, after which the publishes of that batch reject. Default 30 s. */
  sendTimeoutMs: number;
}

export const publisherDefaults: PublisherOptions = Object.freeze({
  maxBatchCount: 2_000,
  maxBatchBytes: 1024 * 1024,
  lingerMs: 2,
  bufferMaxBytes: 32 * 1024 * 1024,
  compression: 'none',
  sendTimeoutMs: 30_000,
});

export function resolvePublisherOptions(overrides: Partial<PublisherOptions> = {}): PublisherOptions {
  const o = { ...publisherDefaults, ...overrides };
  for (const k of ['maxBatchCount', 'maxBatchBytes', 'bufferMaxBytes', 'sendTimeoutMs'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new RangeError(`publisher option ${k} must be a positive integer`);
  }
  if (o.lingerMs < 0) throw new RangeError('publisher option lingerMs must be ≥ 0');
  if (o.bufferMaxBytes < o.maxBatchBytes) throw new RangeError('bufferMaxBytes must be ≥ maxBatchBytes');
  return Object.freeze(o);
}

export function kafkaCompression(c: PublisherOptions['compression']): CompressionTypes {
  return c === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
}
