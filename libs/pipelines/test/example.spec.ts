import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { compilePipeline, parseDefinition, pipelineAvroSchemas } from '../src/index.js';

const T0 = Date.UTC(2025, 0, 1);

describe('examples/orders.yaml', () => {
  const text = readFileSync(new URL('../examples/orders.yaml', import.meta.url), 'utf8');

  it('parses, compiles and runs the demo orders', () => {
    const def = parseDefinition(text);
    expect(def.stages.map((s) => s.type)).to.deep.equal(['derive', 'filter', 'enrich', 'dedupe', 'drop']);
    const pipeline = compilePipeline(def);
    const base = { id: 'o1', customer: ' Ann ', country: 'DE', price: 12.5, quantity: 2, ts: T0, internal_note: 'vip' };
    const batch = pipeline.applyBatch([
      base,
      { ...base, ts: T0 + 60_000 }, // a retry of o1 within 10m
      { ...base, id: 'o2', quantity: 0 }, // total 0: filtered
      { ...base, id: 'o3', country: 'BR', internal_note: null }, // no region
      { ...base, id: 'o4', price: 'free' }, // wrong type: an error for this record only
    ]);
    expect(batch.outputs).to.deep.equal([
      { id: 'o1', customer: 'ann', country: 'DE', price: 12.5, quantity: 2, ts: T0, total: 25, region: 'EU' },
      { id: 'o3', customer: 'ann', country: 'BR', price: 12.5, quantity: 2, ts: T0, total: 25, region: null },
    ]);
    expect(batch.errors.map((e) => [e.index, e.stage])).to.deep.equal([[4, 'totals']]);
    expect(batch.counts.map((c) => [c.stage, c.in, c.out, c.error])).to.deep.equal([
      ['totals', 5, 4, 1],
      ['positive-only', 4, 3, 0],
      ['region', 3, 3, 0],
      ['once-per-order', 3, 2, 0],
      ['drop-4', 2, 2, 0],
    ]);
    const { output } = pipelineAvroSchemas(def);
    expect(output.fields.map((f) => f.name)).to.deep.equal(['id', 'customer', 'country', 'price', 'quantity', 'ts', 'total', 'region']);
  });
});
