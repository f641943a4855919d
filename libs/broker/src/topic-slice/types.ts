import type { Admin, Kafka } from 'kafkajs';

/** A message as a topic slice hands it over: key and headers as UTF-8, the value still raw. */
export interface SliceMessage {
  topic: string;
  partition: number;
  offset: string;
  /** Epoch milliseconds, as the broker stored it. */
  timestamp: number;
  key: string | null;
  headers: Record<string, string>;
  value: Buffer | null;
}

/** What `onMessage` may answer: `'stop'` ends the read after this message (it counts as handled). */
export type SliceVerdict = void | 'stop';

export interface TopicSliceOptions {
  kafka: Kafka;
  /** A connected admin client: reads the offsets and deletes the throwaway group afterwards. */
  admin: Admin;
  topic: string;
  /**
   * Where to start: the first retained offset, the end, or an offset per partition (partitions left
   * out start at their first retained offset; an offset below it starts there too).
   */
  start: 'earliest' | 'latest' | ReadonlyMap<number, string>;
  /** Stop after this many messages were handed to `onMessage`. Default: no limit. */
  limit?: number;
  /** Stop once every partition reached the end offset it had when the read started. Default false. */
  stopAtEnd?: boolean;
  /** Stop after this long, wherever the read is (the result says so). Default: no limit. */
  timeoutMs?: number;
  /** Stops the read (Ctrl-C, a client that went away). */
  signal?: AbortSignal;
  /** The throwaway group is `<groupPrefix>-<12 hex>`. Default `tributary-slice`. */
  groupPrefix?: string;
  /**
   * Read committed (the default) hides aborted and still-open transactions, as every Tributary reader
   * does; true shows them.
   */
  readUncommitted?: boolean;
  /** Called in offset order per partition; a message is handled once it resolves. */
  onMessage(message: SliceMessage): SliceVerdict | Promise<SliceVerdict>;
  /** Told about trouble that does not fail the read (the group could not be deleted). Default: ignored. */
  warn?: (message: string, cause: unknown) => void;
}

/** Why a read ended. */
export type SliceEnd = 'end' | 'limit' | 'stopped' | 'aborted' | 'timeout';

export interface TopicSliceResult {
  /** Messages handed to `onMessage`. */
  delivered: number;
  endedBy: SliceEnd;
  /**
   * Per partition, the offset a following read continues from: one past the last message handled (or
   * past the transaction markers and aborted records after it), or the start when nothing was read.
   */
  positions: Map<number, string>;
  /** Per partition, the end offset seen at the start (read committed: the last stable offset). */
  ends: Map<number, string>;
}
