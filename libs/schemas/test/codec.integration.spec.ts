import { loadConfig } from '@tributary/config';
import { uniqueName } from '@tributary/testing';
import { expect } from 'chai';
import {
  type AlertStateChanged,
  type MetricBatch,
  type MetricSnapshot,
  type PipelineCreated,
  type RunProgress,
  type SchemaRegistryClient,
  type StagingBatchCompleted,
  CodecError,
  RegistryUnavailableError,
  SchemaIncompatibleError,
  createEventCodec,
  createSchemaRegistryClient,
} from '../src/index.js';
import { FOO, type Foo, type FooV2, fooAddedWithoutDefault, fooIdChangedToInt, fooV1, fooV2 } from './support/foo-schemas.js';

const url = loadConfig().schemaRegistry.url;

async function thrown(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

async function registryGet(path: string): Promise<unknown> {
  const res = await fetch(`${url}${path}`);
  return res.json();
}

const now = 1_700_000_000_000;
const samples = {
  'tributary.pipeline.PipelineCreated': {
    pipelineId: 'orders',
    name: 'Orders',
    version: 1,
    definition: '{"stages":[{"name":"parse"}]}',
    createdBy: 'alice',
    createdAt: now,
  } satisfies PipelineCreated,
  'tributary.pipeline.RunProgress': {
    pipelineId: 'orders',
    runId: 'run-1',
    stages: [
      { stage: 'parse', recordsIn: 1000, recordsOut: 990, recordsErrored: 10 },
      { stage: 'enrich', recordsIn: 990, recordsOut: 990, recordsErrored: 0 },
    ],
    reportedAt: now,
  } satisfies RunProgress,
  'tributary.staging.StagingBatchCompleted': {
    pipelineId: 'orders',
    runId: null,
    batchId: 'b-1',
    sourceTopic: 'tributary.data.orders.raw',
    sourcePartition: 3,
    firstOffset: 100,
    lastOffset: 199,
    recordsIn: 100,
    recordsStaged: 98,
    recordsRejected: 2,
    fields: [
      { field: 'amount', valueCount: 97, nullCount: 1, min: 0.5, max: 990.25 },
      { field: 'customer', valueCount: 98, nullCount: 0, min: 'aaron', max: 'zoe' },
      { field: 'coupon', valueCount: 0, nullCount: 98, min: null, max: null },
    ],
    startedAt: now,
    completedAt: now + 15,
  } satisfies StagingBatchCompleted,
  'tributary.monitoring.MetricSnapshot': {
    service: 'quality-manager',
    instance: 'host-1:123',
    metric: 'tributary_handler_duration_seconds',
    kind: 'histogram',
    labels: { topic: 'tributary.quality.commands' },
    value: 12.5,
    count: 40,
    buckets: [
      { le: 0.1, count: 30 },
      { le: Infinity, count: 40 },
    ],
    observedAt: now,
  } satisfies MetricSnapshot,
  'tributary.monitoring.MetricBatch': {
    service: 'quality-manager',
    instance: 'host-1:123',
    observedAt: now,
    samples: [
      { metric: 'tributary_messages_consumed_total', kind: 'counter', labels: { topic: 'tributary.quality.commands' }, value: 1_200, count: null, buckets: [] },
      {
        metric: 'tributary_handler_duration_seconds',
        kind: 'histogram',
        labels: { topic: 'tributary.quality.commands' },
        value: 12.5,
        count: 40,
        buckets: [
          { le: 0.1, count: 30 },
          { le: Infinity, count: 40 },
        ],
      },
    ],
  } satisfies MetricBatch,
  'tributary.monitoring.AlertStateChanged': {
    alertId: 'a1b2',
    alertName: 'ConsumerLagHigh',
    state: 'firing',
    previousState: 'pending',
    severity: 'critical',
    labels: { service: 'staging-manager' },
    annotations: { summary: 'Lag above 10k for 5m' },
    value: 12_000,
    activeSince: now - 300_000,
    changedAt: now,
  } satisfies AlertStateChanged,
} as const;

describe('event codec against the schema registry (integration)', () => {
  let registry: SchemaRegistryClient;
  before(() => {
    registry = createSchemaRegistryClient({ url });
  });
  after(() => registry.close());

  it('round-trips several event types, also through a codec that has never seen their ids', async () => {
    const topic = uniqueName('it-codec');
    const writer = createEventCodec({ registry });
    const reader = createEventCodec({ registry });
    for (const [type, value] of Object.entries(samples)) {
      const bytes = await writer.encode(topic, type as keyof typeof samples, value);
      expect((await writer.decode(bytes)).value, type).to.deep.equal(value);
      expect(reader.decodeCached(bytes), type).to.equal(undefined);
      const decoded = await reader.decode(bytes);
      expect(decoded, type).to.deep.equal({ type, schemaId: bytes.readUInt32BE(1), value });
      expect(reader.decodeCached(bytes)?.value, type).to.deep.equal(value);
    }
  });

  it('registers under <topic>-<record full name> with BACKWARD_TRANSITIVE', async () => {
    const topic = uniqueName('it-codec');
    const codec = createEventCodec({ registry });
    const bytes = await codec.encode(topic, 'tributary.pipeline.PipelineCreated', samples['tributary.pipeline.PipelineCreated']);
    const subject = `${topic}-tributary.pipeline.PipelineCreated`;
    expect(codec.subjectFor(topic, 'tributary.pipeline.PipelineCreated')).to.equal(subject);
    expect(await registryGet(`/subjects/${subject}/versions`)).to.deep.equal([1]);
    expect(await registryGet(`/subjects/${subject}/versions/1`)).to.deep.include({ id: bytes.readUInt32BE(1) });
    expect(await registryGet(`/config/${subject}`)).to.deep.equal({ compatibilityLevel: 'BACKWARD_TRANSITIVE' });
    expect(await registry.compatibilityLevel(subject)).to.equal('BACKWARD_TRANSITIVE');

    // Another process with the same schema finds it (lookup) rather than adding a version.
    const other = createEventCodec({ registry });
    const again = await other.encode(topic, 'tributary.pipeline.PipelineCreated', samples['tributary.pipeline.PipelineCreated']);
    expect(again.readUInt32BE(1)).to.equal(bytes.readUInt32BE(1));
    expect(await registryGet(`/subjects/${subject}/versions`)).to.deep.equal([1]);
  });

  it('registers a new subject from several processes at once (a race for its compatibility rule)', async () => {
    for (let round = 0; round < 5; round++) {
      const topic = uniqueName('it-race');
      // Separate clients, as separate processes would be: no shared cache of ids or subjects.
      const clients = Array.from({ length: 4 }, () => createSchemaRegistryClient({ url }));
      try {
        const ids = await Promise.all(
          clients.map(async (client) => {
            const bytes = await createEventCodec({ registry: client }).encode(topic, 'tributary.pipeline.PipelineCreated', samples['tributary.pipeline.PipelineCreated']);
            return bytes.readUInt32BE(1);
          }),
        );
        expect(new Set(ids).size, `round ${round}`).to.equal(1);
        expect(await registryGet(`/config/${topic}-tributary.pipeline.PipelineCreated`)).to.deep.equal({ compatibilityLevel: 'BACKWARD_TRANSITIVE' });
      } finally {
        await Promise.all(clients.map((c) => c.close()));
      }
    }
  });

  describe('schema evolution', () => {
    const topic = uniqueName('it-codec-evolution');
    const subject = `${topic}-${FOO}`;
    const old: Foo = { id: 'f-1', count: 7, inner: { x: 1 }, at: now };
    let oldBytes: Buffer;

    before(async () => {
      const v1 = createEventCodec<{ [FOO]: Foo }>({ registry, schemas: { [FOO]: fooV1 } });
      oldBytes = await v1.encode(topic, FOO, old);
    });

    it('accepts a compatible change (field added with a default); old records still decode, in the new view', async () => {
      const v2 = createEventCodec<{ [FOO]: FooV2 }>({ registry, schemas: { [FOO]: fooV2 } });
      const newBytes = await v2.encode(topic, FOO, { ...old, id: 'f-2', note: 'hello' });
      expect(newBytes.readUInt32BE(1)).to.not.equal(oldBytes.readUInt32BE(1));
      expect(await registryGet(`/subjects/${subject}/versions`)).to.deep.equal([1, 2]);
      expect((await v2.decode(oldBytes)).value).to.deep.equal({ ...old, note: null });
      expect((await v2.decode(newBytes)).value).to.deep.equal({ ...old, id: 'f-2', note: 'hello' });
    });

    it('refuses a field added without a default, naming subject, field and rule, before registering', async () => {
      const bad = createEventCodec<{ [FOO]: Foo }>({ registry, schemas: { [FOO]: fooAddedWithoutDefault } });
      const err = await thrown(() => bad.encoderFor(topic, FOO));
      expect(err).to.be.instanceOf(SchemaIncompatibleError);
      expect(err.message).to.equal(
        `${subject}: field 'amount' was added without a default, so records written with version 1 cannot be read (BACKWARD_TRANSITIVE)`,
      );
      expect(err).to.deep.include({ code: 'TRIB_SCHEMA_INCOMPATIBLE', retriable: false, subject, field: 'amount', version: 1 });
      expect(await registryGet(`/subjects/${subject}/versions`)).to.deep.equal([1, 2]);
    });

    it('refuses a changed field type', async () => {
      const bad = createEventCodec<{ [FOO]: Foo }>({ registry, schemas: { [FOO]: fooIdChangedToInt } });
      const err = await thrown(() => bad.encoderFor(topic, FOO));
      expect(err.message).to.equal(
        `${subject}: field 'id' changed type from string to int, so records written with version 1 cannot be read (BACKWARD_TRANSITIVE)`,
      );
    });

    it('maps the registry’s own refusal (HTTP 409) to the same error', async () => {
      // Straight to the registry, skipping the codec's check, as a non-Tributary producer would.
      const err = await thrown(() => registry.register(subject, fooAddedWithoutDefault, 'BACKWARD_TRANSITIVE'));
      expect(err).to.be.instanceOf(SchemaIncompatibleError).and.deep.include({ subject, violation: 'other', rule: 'BACKWARD_TRANSITIVE' });
      expect(err.message).to.match(new RegExp(`^${subject.replace(/\./g, '\\.')}: the registry refused the schema as incompatible`));
    });
  });

  it('keeps the compatibility level of a subject that already has another one', async () => {
    const topic = uniqueName('it-codec-level');
    const subject = `${topic}-${FOO}`;
    const warnings: unknown[] = [];
    const client = createSchemaRegistryClient({ url, logger: { warn: (bindings) => warnings.push(bindings) } });
    try {
      const res = await fetch(`${url}/subjects/${subject}/versions`, {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
        body: JSON.stringify({ schema: JSON.stringify(fooV1) }),
      });
      expect(res.status).to.equal(200);
      await fetch(`${url}/config/${subject}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
        body: JSON.stringify({ compatibility: 'FULL' }),
      });
      const codec = createEventCodec<{ [FOO]: FooV2 }>({ registry: client, schemas: { [FOO]: fooV2 } });
      await codec.encoderFor(topic, FOO);
      expect(await registryGet(`/config/${subject}`)).to.deep.equal({ compatibilityLevel: 'FULL' });
      expect(warnings).to.deep.equal([{ subject, level: 'FULL', expected: 'BACKWARD_TRANSITIVE' }]);
    } finally {
      await client.close();
    }
  });

  it('gives TRIB_CODEC_MALFORMED for bytes that are not wire format and TRIB_CODEC_UNKNOWN_SCHEMA for an unknown id', async () => {
    const codec = createEventCodec({ registry });
    const malformed = await thrown(() => codec.decode(Buffer.from('{"not":"avro"}')));
    expect(malformed).to.be.instanceOf(CodecError).and.deep.include({ code: 'TRIB_CODEC_MALFORMED', retriable: false });
    const unknown = await thrown(() => codec.decode(Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 2, 0x61])));
    expect(unknown).to.be.instanceOf(CodecError).and.deep.include({ code: 'TRIB_CODEC_UNKNOWN_SCHEMA', retriable: false });
  });

  it('gives a retriable TRIB_REGISTRY_UNAVAILABLE when the registry cannot be reached', async () => {
    const down = createSchemaRegistryClient({ url: 'http://127.0.0.1:1/apis/ccompat/v7', retries: 0 });
    try {
      const codec = createEventCodec({ registry: down });
      for (const attempt of [
        () => codec.decode(Buffer.from([0, 0, 0, 0, 1, 0])),
        () => codec.encoderFor(uniqueName('it-codec-down'), 'tributary.monitoring.Heartbeat'),
      ]) {
        const err = await thrown(attempt);
        expect(err).to.be.instanceOf(RegistryUnavailableError).and.deep.include({ code: 'TRIB_REGISTRY_UNAVAILABLE', retriable: true });
      }
    } finally {
      await down.close();
    }
  });
});
