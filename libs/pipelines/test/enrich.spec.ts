import { expect } from 'chai';
import { compilePipeline, outputSchema, parseDefinition } from '../src/index.js';
import { definition, order } from './support/fixtures.js';

const table = { DE: { region: 'EU', vat: 0.19 }, US: { region: 'NA' }, '1': { region: 'numeric' } };
const enrich = (missing?: unknown) =>
  definition([{ type: 'enrich', on: 'country', table, fields: ['region', 'vat'], ...(missing === undefined ? {} : { missing }) }]);

describe('enrich', () => {
  it('copies the listed columns of the matching row; a column a row lacks is null', () => {
    const p = compilePipeline(enrich());
    expect(p.apply(order()).output).to.include({ region: 'EU', vat: 0.19 });
    expect(p.apply(order({ country: 'US' })).output).to.include({ region: 'NA', vat: null });
  });

  it('types columns from the table values', () => {
    expect(outputSchema(enrich('drop')).slice(-2)).to.deep.equal([
      { name: 'region', type: 'string', nullable: false },
      { name: 'vat', type: 'double', nullable: true },
    ]);
    // missing: null can leave any column empty.
    expect(outputSchema(enrich()).slice(-2).map((f) => f.nullable)).to.deep.equal([true, true]);
  });

  it('missing: null (the default) sets the columns to null', () => {
    for (const missing of [undefined, null, 'null']) {
      expect(compilePipeline(enrich(missing)).apply(order({ country: 'ZZ' })).output).to.include({ region: null, vat: null });
    }
  });

  it('missing: drop filters the record out', () => {
    const batch = compilePipeline(enrich('drop')).applyBatch([order({ country: 'ZZ' }), order()]);
    expect(batch.outputs).to.have.length(1);
    expect(batch.counts[0]).to.include({ in: 2, out: 1, error: 0 });
  });

  it('missing: error fails the record', () => {
    expect(compilePipeline(enrich('error')).apply(order({ country: 'ZZ' })).error).to.deep.equal({
      stage: 'enrich-0',
      stageIndex: 0,
      message: 'on country: no table row for "ZZ"',
    });
  });

  it('looks values up as text, and never finds prototype properties', () => {
    const p = compilePipeline({
      id: 'n',
      name: 'n',
      input: { schema: [{ name: 'code', type: 'long' }, { name: 'country', type: 'string' }] },
      stages: [{ type: 'enrich', on: 'code', table, fields: ['region'], missing: 'error' }],
    });
    expect(p.apply({ code: 1, country: 'x' }).output).to.include({ region: 'numeric' });
    const q = compilePipeline(enrich('error'));
    for (const country of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(q.apply(order({ country })).error?.message).to.equal(`on country: no table row for "${country}"`);
    }
  });

  it('a YAML table with a __proto__ row neither pollutes nor matches a prototype', () => {
    const def = parseDefinition(`
id: e
name: e
input: { schema: [{ name: k, type: string }] }
stages:
  - type: enrich
    on: k
    table:
      __proto__: { polluted: yes }
      a: { polluted: no }
    fields: [polluted]
`);
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    const p = compilePipeline(def);
    expect(p.apply({ k: 'a' }).output).to.deep.equal({ k: 'a', polluted: 'no' });
  });
});
