/**
 * patches/kafkajs+2.2.4.patch (applied by `npm ci` through patch-package) rewrites kafkajs's record
 * encoder to write headers in place. It must produce exactly the bytes of the original encoder.
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
});
