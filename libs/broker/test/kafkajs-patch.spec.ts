/**
 * patches/kafkajs+2.2.4.patch (applied by `npm ci` through patch-package) rewrites kafkajs's record
 * encoder and decoder to handle headers in place (header keys encoded once and kept); its varint
 * writers to write bytes in place; its string writers to copy short ASCII strings char by char; its
 * grouping of a send's messages by partition to append in place (it was quadratic); its record
 * decoder to add offsets and timestamps in plain numbers when they are safe integers; its produce
 * request to pass a message's fields instead of a spread; its encoder to allocate unzeroed (pooled)
 * buffers; and its CRC-32C to take eight bytes a step. Each must behave exactly as the original. It
 * also makes the admin's offset lookups retry when a new topic's leader is not known yet, as they
 * already did for an unknown topic; createTopics wait while the metadata does not know the new topic
 * yet; and a transaction's AddOffsetsToTxn retry CONCURRENT_TRANSACTIONS (the previous transaction's
 * markers not written yet) instead of failing the transaction.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from 'chai';

const require = createRequire(import.meta.url);
interface EncoderLike {
  buffer: Buffer;
  writeVarInt(n: number): EncoderLike;
  writeInt8(n: number): EncoderLike;
  writeVarLong(n: number): EncoderLike;
  writeVarIntBytes(b: Buffer | string | null): EncoderLike;
  writeVarIntString(s: string): EncoderLike;
  writeVarIntArray(a: EncoderLike[]): EncoderLike;
}
type RecordInput = { offsetDelta?: number; timestampDelta?: number; key: Buffer | null; value: Buffer | null; headers?: Record<string, string | string[]> };
const Encoder = require('kafkajs/src/protocol/encoder') as { new (): EncoderLike; sizeOfVarInt(n: number): number; sizeOfVarLong(n: number): number; sizeOfVarIntBytes(b: unknown): number };
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (r: RecordInput) => EncoderLike;
const Header = require('kafkajs/src/protocol/recordBatch/header/v0') as (h: { key: string; value: string }) => EncoderLike;
const Decoder = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => { readVarInt(): number };
const decodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/decoder') as (
  d: InstanceType<typeof Decoder>,
  ctx: { firstOffset: string; firstTimestamp: string },
) => { key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | Buffer[]> };

/** kafkajs 2.2.4's own record encoding, unpatched. */
function original({ offsetDelta = 0, timestampDelta = 0, key, value, headers = {} }: RecordInput): Buffer {
  const list = Object.keys(headers).flatMap((k) => {
    const v = headers[k]!;
    return Array.isArray(v) ? v.map((x) => ({ key: k, value: x })) : [{ key: k, value: v }];
  });
  let headerSize = Encoder.sizeOfVarInt(list.length);
  for (const h of list) {
    const ks = Buffer.byteLength(h.key);
    const vs = Buffer.byteLength(h.value);
    headerSize += Encoder.sizeOfVarInt(ks) + ks + Encoder.sizeOfVarInt(vs) + vs;
  }
  const size = 1 + Encoder.sizeOfVarLong(timestampDelta) + Encoder.sizeOfVarInt(offsetDelta) + Encoder.sizeOfVarIntBytes(key) + Encoder.sizeOfVarIntBytes(value) + headerSize;
  return new Encoder()
    .writeVarInt(size)
    .writeInt8(0)
    .writeVarLong(timestampDelta)
    .writeVarInt(offsetDelta)
    .writeVarIntBytes(key)
    .writeVarIntBytes(value)
    .writeVarIntArray(list.map(Header)).buffer;
}

describe('the kafkajs record encoder and decoder patch', () => {
  it('is applied', () => {
    expect(fs.readFileSync(require.resolve('kafkajs/src/protocol/recordBatch/record/v0'), 'utf8')).to.contain('Tributary patch');
    expect(fs.readFileSync(require.resolve('kafkajs/src/protocol/recordBatch/record/v0/decoder'), 'utf8')).to.contain('Tributary patch');
  });

  it('decodes headers as kafkajs does: one value, or every value of a repeated key in order', () => {
    const encoded = Record({ key: Buffer.from('k'), value: Buffer.from('v'), headers: { a: '1', b: ['2', '3', '4'], c: 'ü' } }).buffer;
    const decoder = new Decoder(encoded);
    decoder.readVarInt(); // the record's length, which the batch decoder reads before the record
    const record = decodeRecord(decoder, { firstOffset: '0', firstTimestamp: '0' });
    const text = (v: Buffer | Buffer[]) => (Array.isArray(v) ? v.map((x) => x.toString()) : v.toString());
    expect(Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, text(v)]))).to.deep.equal({ a: '1', b: ['2', '3', '4'], c: 'ü' });
    expect(record.value!.toString()).to.equal('v');
  });

  it('encodes records exactly as kafkajs does', () => {
    const cases: RecordInput[] = [
      { key: null, value: null },
      { key: Buffer.from('k'), value: Buffer.from('v'), offsetDelta: 7, timestampDelta: 1234 },
      {
        key: Buffer.from('order-42'),
        value: Buffer.alloc(150, 1),
        offsetDelta: 300,
        timestampDelta: 98765,
        headers: { 'event-type': 'tributary.pipeline.CreatePipeline', 'event-id': 'e'.repeat(36), priority: 'high', many: ['a', 'b', 'ü'] },
      },
      { key: Buffer.alloc(0), value: Buffer.alloc(4000, 2), headers: { big: 'x'.repeat(600) } },
    ];
    for (const c of cases) expect(Record(c).buffer.equals(original(c)), JSON.stringify(c.headers)).to.equal(true);
  });

  it('encodes string and Buffer keys, values and header values as kafkajs as published does, whatever the characters', () => {
    // kafkajs 2.2.4 as published (the npm alias the benches use as their baseline), not a copy of it.
    const Stock = require('kafkajs-stock/src/protocol/recordBatch/record/v0') as (r: unknown) => EncoderLike;
    const StockEncoder = require('kafkajs-stock/src/protocol/encoder') as { sizeOfVarLong(n: unknown): number };
    const Long = require('kafkajs/src/utils/long') as { fromValue(v: unknown): unknown };
    // ASCII on both sides of the 64-character fast path, two- to four-byte UTF-8, a lone surrogate.
    const texts = ['', 'k', 'a'.repeat(63), 'b'.repeat(64), 'c'.repeat(65), 'ü', `${'d'.repeat(40)}é`, 'ключ', '😀x', 'x\ud800y', 'z'.repeat(300)];
    for (const text of texts) {
      const record = {
        key: text,
        value: text,
        offsetDelta: 3,
        timestampDelta: 250,
        headers: { [text === '' ? 'empty' : text.slice(0, 70)]: text, 'shared-bytes': Buffer.from(text), list: [text, Buffer.from('ü')] },
      };
      expect(Record(record as unknown as RecordInput).buffer.equals(Stock(record).buffer), JSON.stringify(text)).to.equal(true);
    }
    // More distinct header keys than the patch keeps encoded: the cache starts over and stays exact.
    for (let i = 0; i < 2_100; i++) {
      const record = { key: null, value: Buffer.from('v'), headers: { [`h-${i}`]: `${i}`, 'event-type': 't' } };
      expect(Record(record).buffer.equals(Stock(record).buffer), `header key h-${i}`).to.equal(true);
    }
    for (const n of [0, 1, -1, 250, -(2 ** 30), 2 ** 30 - 1, 2 ** 30, 2 ** 40, -(2 ** 40), Number.MAX_SAFE_INTEGER]) {
      expect(Encoder.sizeOfVarLong(n), `sizeOfVarLong ${n}`).to.equal(StockEncoder.sizeOfVarLong(n));
      expect((Encoder.sizeOfVarLong as (v: unknown) => number)(Long.fromValue(n)), `sizeOfVarLong Long ${n}`).to.equal(StockEncoder.sizeOfVarLong(Long.fromValue(n)));
    }
  });

  it('decodes offsets and timestamps as kafkajs does, with or without the plain-number path', () => {
    const Long = require('kafkajs/src/utils/long') as { fromValue(v: unknown): { add(o: unknown): { toString(): string } } };
    const cases: { firstOffset: string; firstTimestamp: string; offsetDelta: number; timestampDelta: number }[] = [
      { firstOffset: '0', firstTimestamp: '1764662400000', offsetDelta: 0, timestampDelta: 0 },
      { firstOffset: '123456789', firstTimestamp: '1764662400000', offsetDelta: 4_999, timestampDelta: 86_400_000 },
      { firstOffset: '-1', firstTimestamp: '-1', offsetDelta: 1, timestampDelta: 0 },
      // Past 2^53: only a 64-bit sum is exact (the Long path).
      { firstOffset: '9007199254740993', firstTimestamp: '9223372036854775000', offsetDelta: 5, timestampDelta: 800 },
      { firstOffset: '9007199254740990', firstTimestamp: '0', offsetDelta: 7, timestampDelta: -1 },
    ];
    for (const c of cases) {
      const encoded = Record({ key: null, value: Buffer.from('v'), offsetDelta: c.offsetDelta, timestampDelta: c.timestampDelta }).buffer;
      const decoder = new Decoder(encoded);
      decoder.readVarInt();
      const record = decodeRecord(decoder, { firstOffset: c.firstOffset, firstTimestamp: c.firstTimestamp }) as unknown as { offset: string; timestamp: string };
      expect(record.offset, JSON.stringify(c)).to.equal(Long.fromValue(c.firstOffset).add(c.offsetDelta).toString());
      expect(record.timestamp, JSON.stringify(c)).to.equal(Long.fromValue(c.firstTimestamp).add(Long.fromValue(c.timestampDelta)).toString());
    }
  });

  it('computes CRC-32C (Castagnoli) as the byte-at-a-time table does, for every length', () => {
    const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C') as (b: Buffer) => number;
    expect(fs.readFileSync(require.resolve('kafkajs/src/protocol/recordBatch/crc32C/crc32C'), 'utf8')).to.contain('Tributary patch');
    const table = Array.from({ length: 256 }, (_, n) => {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      return c >>> 0;
    });
    const byteAtATime = (b: Buffer) => {
      let c = -1;
      for (const x of b) c = table[(c ^ x) & 0xff]! ^ (c >>> 8);
      return (c ^ -1) >>> 0;
    };
    expect(crc32C(Buffer.from('123456789'))).to.equal(0xe3069283); // the standard check value
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff) & 0xff;
    for (let length = 0; length <= 600; length++) {
      const bytes = Buffer.from(Array.from({ length }, next));
      expect(crc32C(bytes), `length ${length}`).to.equal(byteAtATime(bytes));
    }
  });

  it('encodes a produce request\'s records from the fields a message has, as kafkajs does', async () => {
    const request = require('kafkajs/src/protocol/requests/produce/v3/request') as (a: unknown) => { encode(): Promise<{ buffer: Buffer }> };
    expect(fs.readFileSync(require.resolve('kafkajs/src/protocol/requests/produce/v3/request'), 'utf8')).to.contain('Tributary patch');
    const messages: { key: Buffer | string | null; value: Buffer | string; headers?: Record<string, string | string[]>; timestamp: number; partition?: number }[] = [
      { key: Buffer.from('a'), value: Buffer.from('1'), headers: { 'event-type': 't', many: ['x', 'y'] }, timestamp: 1_764_662_400_000 },
      { key: null, value: Buffer.from('2'), timestamp: 1_764_662_400_250 },
      { key: 'k', value: 'three', headers: {}, timestamp: 1_764_662_400_500, partition: 0 },
    ];
    const encoded = (await request({ acks: -1, timeout: 30_000, topicData: [{ topic: 't', partitions: [{ partition: 0, firstSequence: 0, messages }] }] }).encode()).buffer;
    // Each record as kafkajs's own encoder writes it, offset and time deltas included, is in the request.
    const first = messages[0]!.timestamp;
    const records = messages.map((m, i) => original({ key: m.key === null ? null : Buffer.from(m.key), value: Buffer.from(m.value), headers: m.headers ?? {}, offsetDelta: i, timestampDelta: m.timestamp - first }));
    for (const r of records) expect(encoded.includes(r), r.toString('hex')).to.equal(true);
  });

  it('groups a send\'s messages by partition as kafkajs does, in order', () => {
    const group = require('kafkajs/src/producer/groupMessagesPerPartition') as (a: {
      topic: string;
      partitionMetadata: unknown[];
      messages: { key: string }[];
      partitioner: (a: { message: { key: string } }) => number;
    }) => Record<string, { key: string }[]>;
    expect(fs.readFileSync(require.resolve('kafkajs/src/producer/groupMessagesPerPartition'), 'utf8')).to.contain('Tributary patch');
    const messages = Array.from({ length: 1000 }, (_, i) => ({ key: `k${i}` }));
    const partitioner = ({ message }: { message: { key: string } }) => Number(message.key.slice(1)) % 3;
    const grouped = group({ topic: 't', partitionMetadata: [{}, {}, {}], messages, partitioner });
    expect(Object.keys(grouped)).to.deep.equal(['0', '1', '2']);
    for (const p of [0, 1, 2]) expect(grouped[p]).to.deep.equal(messages.filter((_, i) => i % 3 === p));
    expect(group({ topic: 't', partitionMetadata: [], messages, partitioner })).to.deep.equal({});
  });

  it('writes varints and varlongs with the bytes of zigzag LEB128', () => {
    const leb128 = (zigzag: bigint) => {
      const bytes: number[] = [];
      let v = zigzag;
      while (v >= 0x80n) {
        bytes.push(Number(v & 0x7fn) | 0x80);
        v >>= 7n;
      }
      bytes.push(Number(v));
      return Buffer.from(bytes);
    };
    const zigzag32 = (n: number) => BigInt(((n << 1) ^ (n >> 31)) >>> 0);
    const zigzag64 = (n: bigint) => BigInt.asUintN(64, (n << 1n) ^ (n >> 63n));
    const ints = [0, 1, -1, 63, -64, 64, 127, 128, 300, -300, 16_383, 16_384, 2 ** 20, -(2 ** 20), 2 ** 30 - 1, -(2 ** 30), 2 ** 30, 2 ** 31 - 1, -(2 ** 31)];
    for (const n of ints) {
      const enc = new Encoder() as EncoderLike & { writeUVarInt(n: number): EncoderLike };
      expect(enc.writeVarInt(n).buffer, `varint ${n}`).to.deep.equal(leb128(zigzag32(n)));
    }
    const longs = [...ints, 2 ** 40, -(2 ** 40), Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
    for (const n of longs) expect(new Encoder().writeVarLong(n).buffer, `varlong ${n}`).to.deep.equal(leb128(zigzag64(BigInt(n))));
    // Many varints into one encoder: it grows as needed.
    const many = new Encoder();
    for (let i = 0; i < 1000; i++) many.writeVarInt(i * 1_000_003);
    const expected = Buffer.concat(Array.from({ length: 1000 }, (_, i) => leb128(zigzag32(i * 1_000_003))));
    expect(many.buffer).to.deep.equal(expected);
  });

  it('retries an admin offset lookup that meets a partition whose leader moved, after refreshing metadata', async () => {
    const createAdmin = require('kafkajs/src/admin') as (deps: unknown) => {
      fetchTopicOffsets(topic: string): Promise<{ partition: number; high: string; low: string }[]>;
      fetchTopicOffsetsByTimestamp(topic: string, timestamp: number): Promise<{ partition: number; offset: string }[]>;
    };
    const { createErrorFromCode } = require('kafkajs/src/protocol/error') as { createErrorFromCode(code: number): Error };
    const { createLogger, LEVELS } = require('kafkajs/src/loggers') as {
      createLogger(o: { level: number; logCreator: () => () => void }): unknown;
      LEVELS: { NOTHING: number };
    };
    const NOT_LEADER_OR_FOLLOWER = 6;
    const LEADER_NOT_AVAILABLE = 5;
    let failures = [NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE];
    let refreshes = 0;
    const cluster = {
      addTargetTopic: () => Promise.resolve(),
      refreshMetadataIfNecessary: () => Promise.resolve(),
      refreshMetadata: () => {
        refreshes += 1;
        return Promise.resolve();
      },
      findTopicPartitionMetadata: () => [{ partitionId: 0 }],
      fetchTopicsOffset: ([request]: { topic: string; fromBeginning?: boolean; fromTimestamp?: number }[]) => {
        const code = failures.shift();
        if (code !== undefined) return Promise.reject(createErrorFromCode(code));
        return Promise.resolve([{ topic: request!.topic, partitions: [{ partition: 0, offset: request!.fromBeginning === true ? '2' : '7' }] }]);
      },
    };
    const admin = createAdmin({
      logger: createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined }),
      retry: { initialRetryTime: 1, maxRetryTime: 5, retries: 5 },
      cluster,
    });
    expect(await admin.fetchTopicOffsets('t')).to.deep.equal([{ partition: 0, offset: '7', high: '7', low: '2' }]);
    expect(refreshes).to.equal(2);
    failures = [NOT_LEADER_OR_FOLLOWER];
    expect(await admin.fetchTopicOffsetsByTimestamp('t', 1_000)).to.have.length(1);
    expect(refreshes).to.equal(3);
  });

  it('waits for a created topic while the metadata does not know it yet, and fails on other errors', async () => {
    const createAdmin = require('kafkajs/src/admin') as (deps: unknown) => {
      createTopics(o: { topics: { topic: string }[]; waitForLeaders?: boolean; timeout?: number }): Promise<boolean>;
    };
    const { createErrorFromCode } = require('kafkajs/src/protocol/error') as { createErrorFromCode(code: number): Error };
    const { createLogger, LEVELS } = require('kafkajs/src/loggers') as {
      createLogger(o: { level: number; logCreator: () => () => void }): unknown;
      LEVELS: { NOTHING: number };
    };
    const UNKNOWN_TOPIC_OR_PARTITION = 3;
    const LEADER_NOT_AVAILABLE = 5;
    const INVALID_REPLICATION_FACTOR = 38;
    let failures: number[] = [];
    let metadataCalls = 0;
    const broker = {
      createTopics: () => Promise.resolve(),
      metadata: () => {
        metadataCalls += 1;
        const code = failures.shift();
        return code === undefined ? Promise.resolve({ topicMetadata: [] }) : Promise.reject(createErrorFromCode(code));
      },
    };
    const admin = createAdmin({
      logger: createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined }),
      retry: { initialRetryTime: 1, maxRetryTime: 5, retries: 0 },
      cluster: { refreshMetadata: () => Promise.resolve(), findControllerBroker: () => Promise.resolve(broker) },
    });
    failures = [UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, UNKNOWN_TOPIC_OR_PARTITION];
    expect(await admin.createTopics({ topics: [{ topic: 't' }], waitForLeaders: true, timeout: 5_000 })).to.equal(true);
    expect(metadataCalls).to.equal(4);
    failures = [INVALID_REPLICATION_FACTOR];
    let error: unknown;
    await admin.createTopics({ topics: [{ topic: 't' }], waitForLeaders: true, timeout: 5_000 }).catch((e: unknown) => (error = e));
    expect((error as { type?: string } | undefined)?.type).to.equal('INVALID_REPLICATION_FACTOR');
  });

  it('retries AddOffsetsToTxn while the coordinator answers CONCURRENT_TRANSACTIONS, and fails on other errors', async () => {
    const createEosManager = require('kafkajs/src/producer/eosManager') as (deps: unknown) => {
      initProducerId(): Promise<void>;
      beginTransaction(): void;
      sendOffsets(o: { consumerGroupId: string; topics: unknown[] }): Promise<void>;
    };
    const { createErrorFromCode } = require('kafkajs/src/protocol/error') as { createErrorFromCode(code: number): Error };
    const { createLogger, LEVELS } = require('kafkajs/src/loggers') as {
      createLogger(o: { level: number; logCreator: () => () => void }): unknown;
      LEVELS: { NOTHING: number };
    };
    const CONCURRENT_TRANSACTIONS = 51;
    const INVALID_PRODUCER_EPOCH = 47;
    let failures: number[] = [];
    let addOffsetsCalls = 0;
    let committed = 0;
    const broker = {
      initProducerId: () => Promise.resolve({ producerId: 1, producerEpoch: 0 }),
      addOffsetsToTxn: () => {
        addOffsetsCalls += 1;
        const code = failures.shift();
        return code === undefined ? Promise.resolve() : Promise.reject(createErrorFromCode(code));
      },
      txnOffsetCommit: () => {
        committed += 1;
        return Promise.resolve();
      },
    };
    const cluster = {
      retry: { initialRetryTime: 1, retries: 2 },
      refreshMetadataIfNecessary: () => Promise.resolve(),
      findGroupCoordinator: () => Promise.resolve(broker),
    };
    const eos = createEosManager({
      logger: createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined }),
      cluster,
      transactionTimeout: 60_000,
      transactional: true,
      transactionalId: 't',
    });
    await eos.initProducerId();
    eos.beginTransaction();
    // More failures than the client's own retry budget (2): the patch's retrier rides them out.
    failures = [CONCURRENT_TRANSACTIONS, CONCURRENT_TRANSACTIONS, CONCURRENT_TRANSACTIONS, CONCURRENT_TRANSACTIONS];
    await eos.sendOffsets({ consumerGroupId: 'g', topics: [] });
    expect({ addOffsetsCalls, committed }).to.deep.equal({ addOffsetsCalls: 5, committed: 1 });
    failures = [INVALID_PRODUCER_EPOCH];
    let error: unknown;
    try {
      await eos.sendOffsets({ consumerGroupId: 'g', topics: [] });
    } catch (err) {
      error = err;
    }
    expect((error as { type?: string }).type).to.equal('INVALID_PRODUCER_EPOCH');
    expect(addOffsetsCalls).to.equal(6);
  });
});
