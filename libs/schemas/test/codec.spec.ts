import { expect } from 'chai';
import {
  CodecError,
  type EventCodec,
  type PipelineCreated,
  type RunProgress,
  createEventCodec,
  readSchemaId,
  subjectName,
} from '../src/index.js';
import { FakeRegistry } from './support/fake-registry.js';
import { FOO, type Foo, type FooV2, fooV1, fooV2 } from './support/foo-schemas.js';

/** Runs `fn` and returns what it threw (sync or async), failing when it did not throw. */
async function thrown(fn: () => unknown): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

const created: PipelineCreated = {
  pipelineId: 'orders',
  name: 'Orders',
  version: 1,
  definition: '{"stages":[]}',
  createdBy: 'alice',
  createdAt: 1_700_000_000_123,
};

describe('Confluent wire format', () => {
  it('reads the schema id after the magic byte', () => {
    expect(readSchemaId(Buffer.from([0, 0, 0, 1, 2, 42]))).to.equal(258);
    expect(subjectName('tributary.pipeline.events', 'tributary.pipeline.PipelineCreated')).to.equal(
      'tributary.pipeline.events-tributary.pipeline.PipelineCreated',
    );
  });

  it('refuses bytes that cannot be wire format with TRIB_CODEC_MALFORMED (not retriable)', async () => {
    for (const bytes of [Buffer.from('{"json":true}'), Buffer.from([0, 0, 1]), Buffer.alloc(0)]) {
      const err = await thrown(() => readSchemaId(bytes));
      expect(err).to.be.instanceOf(CodecError).and.deep.include({ code: 'TRIB_CODEC_MALFORMED', retriable: false });
    }
    expect((await thrown(() => readSchemaId(Buffer.from('{"json":true}')))).message).to.contain('magic byte 0 (found 0x7b)');
  });
});

describe('event codec (in-memory registry)', () => {
  let registry: FakeRegistry;
  let codec: EventCodec;
  beforeEach(() => {
    registry = new FakeRegistry();
    codec = createEventCodec({ registry });
  });

  it('encodes header + Avro and decodes to plain objects equal to the input', async () => {
    const bytes = await codec.encode('t1', 'tributary.pipeline.PipelineCreated', created);
    expect(bytes[0]).to.equal(0);
    const decoded = await codec.decode(bytes);
    expect(decoded).to.deep.equal({ type: 'tributary.pipeline.PipelineCreated', schemaId: readSchemaId(bytes), value: created });
  });

  it('returns nested records as plain objects', async () => {
    const progress: RunProgress = {
      pipelineId: 'orders',
      runId: 'r1',
      stages: [{ stage: 'parse', recordsIn: 10, recordsOut: 9, recordsErrored: 1 }],
      reportedAt: 1_700_000_000_000,
    };
    const { value } = await codec.decode(await codec.encode('t1', 'tributary.pipeline.RunProgress', progress));
    const stages = (value as RunProgress).stages;
    expect(Object.getPrototypeOf(value)).to.equal(Object.prototype);
    expect(Object.getPrototypeOf(stages[0])).to.equal(Object.prototype);
    expect(value).to.deep.equal(progress);
  });

  it('registers once per (topic, type); encoders and decodeCached then need no registry', async () => {
    const [a, b] = await Promise.all([
      codec.encoderFor('t1', 'tributary.pipeline.PipelineCreated'),
      codec.encoderFor('t1', 'tributary.pipeline.PipelineCreated'),
    ]);
    expect(a).to.equal(b);
    expect(registry.calls).to.deep.equal({ lookup: 1, versions: 1, register: 1, typeById: 0 });
    const bytes = a(created);
    expect(codec.decodeCached(bytes)?.value).to.deep.equal(created);
    expect(registry.calls.typeById).to.equal(0);

    // A new codec (another process) looks the schema up and does not register it again.
    const other = createEventCodec({ registry });
    await other.encoderFor('t1', 'tributary.pipeline.PipelineCreated');
    expect(registry.calls).to.deep.include({ lookup: 2, register: 1 });
  });

  it('fetches an unseen schema id once, then decodes from the cache', async () => {
    const bytes = await codec.encode('t1', 'tributary.pipeline.PipelineCreated', created);
    const reader = createEventCodec({ registry });
    expect(reader.decodeCached(bytes)).to.equal(undefined);
    await Promise.all([reader.decode(bytes), reader.decode(bytes)]);
    expect(reader.decodeCached(bytes)?.value).to.deep.equal(created);
    expect(registry.calls.typeById).to.equal(1);
  });

  it('grows its encode buffer for large values', async () => {
    const big = { ...created, definition: 'x'.repeat(100_000) };
    expect((await codec.decode(await codec.encode('t1', 'tributary.pipeline.PipelineCreated', big))).value).to.deep.equal(big);
  });

  it('refuses invalid values with TRIB_CODEC_INVALID_VALUE naming the field', async () => {
    const encode = await codec.encoderFor('t1', 'tributary.pipeline.PipelineCreated');
    const err = await thrown(() => encode({ ...created, createdAt: new Date() as unknown as number }));
    expect(err).to.be.instanceOf(CodecError).and.include({ code: 'TRIB_CODEC_INVALID_VALUE', retriable: false });
    expect(err.message).to.match(/^Value is not a valid tributary.pipeline.PipelineCreated: createdAt: expected long/);
  });

  it('refuses an unknown record type with TRIB_CODEC_UNKNOWN_TYPE', async () => {
    const err = await thrown(() => codec.encoderFor('t1', 'tributary.nope.Nothing' as 'tributary.pipeline.RunFailed'));
    expect(err).to.be.instanceOf(CodecError).and.include({ code: 'TRIB_CODEC_UNKNOWN_TYPE' });
  });

  it('gives TRIB_CODEC_UNKNOWN_SCHEMA for an id the registry does not have, and MALFORMED for a bad body', async () => {
    expect(await thrown(() => codec.decode(Buffer.from([0, 0, 0, 0, 7, 1])))).to.include({ code: 'TRIB_CODEC_UNKNOWN_SCHEMA' });
    const bytes = await codec.encode('t1', 'tributary.pipeline.PipelineCreated', created);
    const truncated = bytes.subarray(0, bytes.length - 3);
    const err = await thrown(() => codec.decode(truncated));
    expect(err).to.include({ code: 'TRIB_CODEC_MALFORMED' });
    expect(err.message).to.contain('do not decode as tributary.pipeline.PipelineCreated');
  });

  it("decodes an older writer's value in the reader's view (defaults filled in)", async () => {
    const v1 = createEventCodec<{ [FOO]: Foo }>({ registry, schemas: { [FOO]: fooV1 } });
    const v2 = createEventCodec<{ [FOO]: FooV2 }>({ registry, schemas: { [FOO]: fooV2 } });
    const old: Foo = { id: 'a', count: 1, inner: { x: 2 }, at: 3 };
    const decoded = await v2.decode(await v1.encode('t1', FOO, old));
    expect(decoded.value).to.deep.equal({ ...old, note: null });
  });

  it('refuses with TRIB_CODEC_UNREADABLE when its schema cannot read the writer (consumer older than producer)', async () => {
    const incompatibleWriter = { ...fooV1, fields: fooV1.fields.map((f) => (f.name === 'count' ? { ...f, type: 'string' } : f)) };
    const id = registry.add('t1-tributary.test.Foo', incompatibleWriter);
    const reader = createEventCodec<{ [FOO]: Foo }>({ registry, schemas: { [FOO]: fooV1 } });
    const bytes = Buffer.concat([Buffer.from([0, 0, 0, 0, id]), Buffer.from([2, 0x61, 2, 0x62, 2, 4, 6])]);
    const err = await thrown(() => reader.decode(bytes));
    expect(err).to.include({ code: 'TRIB_CODEC_UNREADABLE', retriable: false });
    expect(err.message).to.contain("field 'count' changed type from string to int, so records written with schema id");
  });
});
