import { expect } from 'chai';
import { type StagingBatchCompleted, codecAvroType, eventSchemas } from '@tributary/schemas';
import { type FieldSpec, compileRecordValidator, createProfiler } from '../src/index.js';
import { seededRandom } from '@tributary/testing';

const seeded = seededRandom;

const fields: FieldSpec[] = [
  { name: 'id', type: 'long' },
  { name: 'qty', type: 'int', nullable: true },
  { name: 'price', type: 'double', nullable: true },
  { name: 'city', type: 'string', nullable: true },
  { name: 'at', type: 'timestamp' },
  { name: 'paid', type: 'boolean', nullable: true },
];

function generate(count: number): Record<string, unknown>[] {
  const random = seeded(20240601);
  const cities = ['Oslo', 'Lima', 'Århus', 'Zürich', 'Accra', '', 'São Paulo'];
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  return Array.from({ length: count }, (_, i) => {
    const record: Record<string, unknown> = { id: i, at: 1_600_000_000_000 + Math.floor(random() * 1e10) };
    // Each nullable field is absent, null or set, so both kinds of "no value" are exercised.
    const maybe = (name: string, value: () => unknown): void => {
      const r = random();
      if (r < 0.1) return;
      record[name] = r < 0.2 ? null : value();
    };
    maybe('qty', () => Math.floor(random() * 2_000) - 1_000);
    maybe('price', () => Math.round(random() * 1e6) / 100);
    maybe('city', () => pick(cities));
    maybe('paid', () => random() < 0.5);
    return record;
  });
}

/** The profile computed the slow, obvious way, to check the profiler against. */
function expectedProfile(records: Record<string, unknown>[]) {
  return fields.map(({ name, type }) => {
    const values = records.map((r) => r[name]).filter((v) => v !== undefined && v !== null);
    let min: number | string | null = null;
    let max: number | string | null = null;
    if (values.length > 0 && type === 'string') {
      const sorted = (values as string[]).slice().sort();
      min = sorted[0] ?? null;
      max = sorted.at(-1) ?? null;
    } else if (values.length > 0 && type !== 'boolean') {
      min = Math.min(...(values as number[]));
      max = Math.max(...(values as number[]));
    }
    return { field: name, valueCount: values.length, nullCount: records.length - values.length, min, max };
  });
}

describe('createProfiler', () => {
  const records = generate(5_000);

  it('matches an independent computation of counts, nulls and min/max on a generated data set', () => {
    const validate = compileRecordValidator(fields);
    const profiler = createProfiler(fields);
    for (const raw of records) {
      const result = validate(raw);
      if (!result.ok) return expect.fail(JSON.stringify(result.errors));
      profiler.add(result.record);
    }
    const profile = profiler.snapshot();
    expect(profile.recordCount).to.equal(5_000);
    expect(profile.fields).to.deep.equal(expectedProfile(records));
    const cities = records.map((r) => r['city']).filter((c): c is string => typeof c === 'string');
    expect(profile.textLengths).to.deep.equal([
      {
        field: 'city',
        minLength: Math.min(...cities.map((c) => c.length)),
        maxLength: Math.max(...cities.map((c) => c.length)),
      },
    ]);
    // The generator produced every case the profile distinguishes.
    const qty = profile.fields.find((f) => f.field === 'qty');
    expect(qty?.nullCount).to.be.greaterThan(500);
    expect(qty?.min).to.be.below(0);
    expect(profile.textLengths[0]?.minLength).to.equal(0);
  });

  it('reports null min/max for fields without values and for booleans, and counts missing as null', () => {
    const profiler = createProfiler(fields);
    expect(profiler.snapshot().fields[1]).to.deep.equal({ field: 'qty', valueCount: 0, nullCount: 0, min: null, max: null });
    profiler.add({ id: 1, paid: true });
    profiler.add({ id: 2, paid: false, qty: null });
    const profile = profiler.snapshot();
    expect(profile.fields.find((f) => f.field === 'paid')).to.deep.equal({
      field: 'paid',
      valueCount: 2,
      nullCount: 0,
      min: null,
      max: null,
    });
    expect(profile.fields.find((f) => f.field === 'qty')).to.deep.include({ valueCount: 0, nullCount: 2, min: null });
    expect(profile.textLengths).to.deep.equal([{ field: 'city', minLength: null, maxLength: null }]);
  });

  it('counts but does not let a value of the wrong JavaScript type into min/max', () => {
    const profiler = createProfiler([{ name: 'n', type: 'double' }]);
    profiler.add({ n: 5 });
    profiler.add({ n: '100' });
    profiler.add({ n: Number.NaN });
    expect(profiler.snapshot().fields).to.deep.equal([{ field: 'n', valueCount: 3, nullCount: 0, min: 5, max: 5 }]);
  });

  it('returns copies: a snapshot does not change as more records are added', () => {
    const profiler = createProfiler([{ name: 'n', type: 'int' }]);
    profiler.add({ n: 1 });
    const before = profiler.snapshot();
    profiler.add({ n: 9 });
    expect(before.fields[0]?.max).to.equal(1);
    expect(profiler.snapshot().fields[0]?.max).to.equal(9);
  });

  it('gives fields that go into a StagingBatchCompleted event as they are and survive Avro encoding', () => {
    const profiler = createProfiler(fields);
    for (const record of records.slice(0, 200)) profiler.add(record);
    const event: StagingBatchCompleted = {
      pipelineId: 'orders',
      runId: null,
      batchId: 'b-1',
      sourceTopic: 'tributary.data.orders.raw',
      sourcePartition: 0,
      firstOffset: 0,
      lastOffset: 199,
      recordsIn: 200,
      recordsStaged: 200,
      recordsRejected: 0,
      fields: profiler.snapshot().fields,
      startedAt: 1_700_000_000_000,
      completedAt: 1_700_000_000_500,
    };
    const type = codecAvroType(eventSchemas['tributary.staging.StagingBatchCompleted']);
    expect(type.isValid(event)).to.equal(true);
    expect(type.fromBuffer(type.toBuffer(event))).to.deep.equal(event);
  });
});
