import { type BrokerLogger, readTopicSlice, type SliceMessage } from '@tributary/broker';
import { type DecodedEvent, type QuarantinedRecord, RegistryUnavailableError } from '@tributary/schemas';
import type { Admin, Kafka } from 'kafkajs';
import { z } from 'zod';
import { CpmConfigError, CpmHttpError } from '../errors.js';
import type { QuarantineCursor } from './quarantine-cursor.js';

const QUARANTINED_RECORD = 'tributary.quality.QuarantinedRecord';

/** How much one page may read. Defaults in {@link quarantineBrowserDefaults}. */
export interface QuarantineBrowserOptions {
  /** Most messages one page reads, matching or not; the page ends there with a cursor. Default 10,000. */
  maxScan: number;
  /** Longest a page reads (joining its group included); it ends there with a cursor. Default 15 s. */
  timeoutMs: number;
  /** Pages read at once (each is a consumer group); more are answered 503 TRIB_TOO_MANY_READS. Default 4. */
  maxConcurrentPages: number;
  /** `Retry-After` of that 503, in seconds. Default 2. */
  retryAfterSeconds: number;
}

export const quarantineBrowserDefaults: Readonly<QuarantineBrowserOptions> = Object.freeze({ maxScan: 10_000, timeoutMs: 15_000, maxConcurrentPages: 4, retryAfterSeconds: 2 });

const optionsSchema = z.strictObject({
  maxScan: z.number().int().min(1),
  timeoutMs: z.number().int().min(1),
  maxConcurrentPages: z.number().int().min(1),
  retryAfterSeconds: z.number().int().min(1),
});

export interface QuarantineBrowserDeps {
  kafka: Kafka;
  /** Decodes the Confluent wire format through the registry (the CPM's event codec). */
  codec: { decode(buffer: Buffer): Promise<DecodedEvent> };
  /** Names the throwaway consumer groups `<topicPrefix>-cpm-quarantine-<random>`. */
  topicPrefix: string;
  logger: BrokerLogger;
  options?: Partial<QuarantineBrowserOptions>;
}

export interface QuarantinePageQuery {
  /** `<prefix>.data.<pipelineId>.quarantine`. */
  topic: string;
  /** Only records that failed this rule. */
  ruleId?: string;
  /** Quarantined at or after (epoch ms). */
  from?: number;
  /** Quarantined before (epoch ms). */
  until?: number;
  /** Most entries (records and undecodable messages) in the page. */
  limit: number;
  /** Where the previous page ended; default: `from` (by message time) or the start of the topic. */
  cursor?: QuarantineCursor;
  /** The client went away. */
  signal?: AbortSignal;
}

export interface QuarantineEntry {
  partition: number;
  offset: number;
  record: QuarantinedRecord;
}

/** A message of the quarantine topic that is not a readable QuarantinedRecord. */
export interface UndecodableEntry {
  partition: number;
  offset: number;
  timestamp: number;
  error: { code: string; message: string };
}

export interface QuarantinePage {
  records: QuarantineEntry[];
  undecodable: UndecodableEntry[];
  /** Where the next page starts; undefined once every partition was read to the end seen at the start. */
  next: QuarantineCursor | undefined;
  /** Messages read, matching or not. */
  scanned: number;
}

/** Pages of a pipeline's `.quarantine`, read committed, in a throwaway consumer group per page. */
export interface QuarantineBrowser {
  page(query: QuarantinePageQuery): Promise<QuarantinePage>;
  close(): Promise<void>;
}

export function createQuarantineBrowser(deps: QuarantineBrowserDeps): QuarantineBrowser {
  const parsed = optionsSchema.safeParse({ ...quarantineBrowserDefaults, ...deps.options });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new CpmConfigError('TRIB_CPM_OPTIONS_INVALID', `Invalid quarantine browser options: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  const options = Object.freeze(parsed.data);
  const logger = deps.logger.child({ component: 'quarantine-browser' });
  const admin: Admin = deps.kafka.admin();
  let connected: Promise<void> | undefined;
  const connect = () =>
    (connected ??= admin.connect().catch((err: unknown) => {
      connected = undefined;
      throw err;
    }));

  /** Where the page starts: the cursor (checked against the topic), else `from`, else the beginning. */
  async function startOf(query: QuarantinePageQuery): Promise<'earliest' | QuarantineCursor> {
    if (query.cursor) {
      const ends = new Map((await admin.fetchTopicOffsets(query.topic)).map((o) => [o.partition, BigInt(o.high)]));
      for (const [partition, offset] of query.cursor) {
        const end = ends.get(partition);
        if (end === undefined || BigInt(offset) > end) {
          throw new CpmHttpError(400, 'TRIB_REQUEST_INVALID', `cursor is not from this quarantine (partition ${partition}, offset ${offset})`, { cursor: 'unknown position' });
        }
      }
      return query.cursor;
    }
    if (query.from === undefined) return 'earliest';
    // A record quarantined at `from` was written at or after it: nothing before these offsets can match.
    const offsets = await admin.fetchTopicOffsetsByTimestamp(query.topic, query.from);
    return new Map(offsets.map((o) => [o.partition, o.offset]));
  }

  async function readPage(query: QuarantinePageQuery): Promise<QuarantinePage> {
    await connect();
    if (!(await admin.listTopics()).includes(query.topic)) return { records: [], undecodable: [], next: undefined, scanned: 0 };
    const start = await startOf(query);
    const records: QuarantineEntry[] = [];
    const undecodable: UndecodableEntry[] = [];
    let fatal: RegistryUnavailableError | undefined;
    const inRange = (t: number) => (query.from === undefined || t >= query.from) && (query.until === undefined || t < query.until);

    const onMessage = async (m: SliceMessage) => {
      const decoded = await decodeQuarantined(deps.codec, m);
      if ('fatal' in decoded) {
        fatal = decoded.fatal;
        return 'stop' as const;
      }
      if ('error' in decoded) {
        // Which rules it failed is unknown: shown whatever the rule filter, placed by its message time.
        if (inRange(m.timestamp)) undecodable.push({ partition: m.partition, offset: Number(m.offset), timestamp: m.timestamp, error: decoded.error });
      } else {
        const r = decoded.record;
        if (!inRange(r.quarantinedAt) || (query.ruleId !== undefined && !r.failures.some((f) => f.ruleId === query.ruleId))) return;
        records.push({ partition: m.partition, offset: Number(m.offset), record: r });
      }
      return records.length + undecodable.length >= query.limit ? ('stop' as const) : undefined;
    };

    const slice = await readTopicSlice({
      kafka: deps.kafka,
      admin,
      topic: query.topic,
      start,
      stopAtEnd: true,
      limit: options.maxScan,
      timeoutMs: options.timeoutMs,
      groupPrefix: `${deps.topicPrefix}-cpm-quarantine`,
      ...(query.signal ? { signal: query.signal } : {}),
      onMessage,
      warn: (message, cause) => logger.warn({ err: cause }, message),
    });
    if (fatal !== undefined) throw fatal;
    const atEnd = [...slice.ends].every(([p, end]) => BigInt(slice.positions.get(p) ?? '0') >= BigInt(end));
    if (slice.endedBy === 'timeout') logger.info({ topic: query.topic, scanned: slice.delivered }, 'quarantine page ended at its time limit');
    return { records, undecodable, next: atEnd ? undefined : slice.positions, scanned: slice.delivered };
  }

  let reading = 0;

  return {
    async page(query) {
      if (reading >= options.maxConcurrentPages) {
        throw new CpmHttpError(503, 'TRIB_TOO_MANY_READS', `${reading} quarantine pages are being read, the most this CPM reads at once; retry later`, {}, {
          headers: { 'Retry-After': String(options.retryAfterSeconds) },
        });
      }
      reading++;
      try {
        return await readPage(query);
      } finally {
        reading--;
      }
    },

    async close() {
      if (connected) await admin.disconnect();
    },
  };

}

type Decoded = { record: QuarantinedRecord } | { error: UndecodableEntry['error'] } | { fatal: RegistryUnavailableError };

/** A message as a QuarantinedRecord; a message that never will be one is reported, not thrown. */
async function decodeQuarantined(codec: QuarantineBrowserDeps['codec'], m: SliceMessage): Promise<Decoded> {
  if (m.value === null) return { error: { code: 'TRIB_QUARANTINE_NO_VALUE', message: 'the message has no value' } };
  let decoded: DecodedEvent;
  try {
    decoded = await codec.decode(m.value);
  } catch (err) {
    // The registry being down says nothing about the message: the page fails (503) instead.
    if (err instanceof RegistryUnavailableError) return { fatal: err };
    const code = (err as { code?: unknown }).code;
    return { error: { code: typeof code === 'string' ? code : 'TRIB_CODEC_MALFORMED', message: err instanceof Error ? err.message : String(err) } };
  }
  if (decoded.type !== QUARANTINED_RECORD) {
    return { error: { code: 'TRIB_QUARANTINE_UNEXPECTED_TYPE', message: `a ${decoded.type} (schema ${decoded.schemaId}), not a ${QUARANTINED_RECORD}` } };
  }
  return { record: decoded.value as QuarantinedRecord };
}
