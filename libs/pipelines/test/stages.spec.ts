import { expect } from 'chai';
import { compilePipeline, outputSchema } from '../src/index.js';
import { definition, order } from './support/fixtures.js';

const run = (stages: unknown[], record = order()) => compilePipeline(definition(stages)).apply(record);

describe('stages', () => {
  it('map / derive: computed fields, typed, each reading the record as it entered the stage', () => {
    for (const type of ['map', 'derive']) {
      const { output } = run([{ type, fields: { total: 'price * quantity', price: 'price * 2.0', big: { expr: 'quantity > 3', type: 'boolean' } } }]);
      expect(output).to.deep.include({ total: 10, price: 5, big: true });
    }
  });

  it('map: integer arithmetic stays integral, mixed arithmetic is double', () => {
    const { output } = run([{ type: 'map', fields: { half: 'quantity / 3', twice: 'quantity * 2', mixed: 'quantity * 1.5', rem: 'quantity % 3', u: 'uint(quantity) + 1u' } }]);
    expect(output).to.deep.include({ half: 1, twice: 8, mixed: 6, rem: 1, u: 5 });
    const fields = outputSchema(definition([{ type: 'map', fields: { half: 'quantity / 3', mixed: 'quantity * 1.5' } }]));
    expect(fields.slice(-2)).to.deep.equal([
      { name: 'half', type: 'long', nullable: false },
      { name: 'mixed', type: 'double', nullable: false },
    ]);
  });

  it('map: string functions, conditionals and null checks', () => {
    const { output } = run(
      [
        {
          type: 'map',
          fields: {
            who: 'customer.upperAscii() + "/" + country',
            code: { expr: 'coupon == null ? "none" : coupon', type: 'string' },
            pricey: 'price >= 2.5 && quantity in [1, 2, 4]',
            rounded: 'round(price)',
          },
        },
      ],
      order({ customer: 'ann' }),
    );
    expect(output).to.deep.include({ who: 'ANN/DE', code: 'none', pricey: true, rounded: 3 });
  });

  it('filter keeps records for which `where` is true', () => {
    expect(run([{ type: 'filter', where: 'price > 2.0' }]).output).to.deep.equal(order());
    expect(run([{ type: 'filter', where: 'price > 3' }])).to.deep.equal({ output: null });
  });

  it('rename, all at once (so two fields can swap)', () => {
    expect(run([{ type: 'rename', fields: { customer: 'client' } }]).output).to.deep.equal({ ...omit(order(), 'customer'), client: 'ann' });
    const swapped = run([{ type: 'rename', fields: { id: 'customer', customer: 'id' } }]).output;
    expect(swapped).to.include({ id: 'ann', customer: 'o1' });
  });

  it('drop removes fields', () => {
    expect(run([{ type: 'drop', fields: ['coupon', 'ts'] }]).output).to.deep.equal(omit(order(), 'coupon', 'ts'));
  });

  it('cast converts losslessly and fails the record otherwise', () => {
    const p = compilePipeline(definition([{ type: 'cast', fields: { quantity: 'string', price: 'string', id: 'long' } }]));
    expect(p.apply(order({ id: '42' })).output).to.include({ quantity: '4', price: '2.5', id: 42 });
    expect(p.apply(order({ id: 'o1' }))).to.deep.equal({
      output: null,
      error: { stage: 'cast-0', stageIndex: 0, message: 'fields.id: cannot cast "o1" to long' },
    });
    const back = compilePipeline(definition([{ type: 'cast', fields: { price: 'int', country: 'boolean', ts: 'string' } }]));
    expect(back.apply(order({ price: 3, country: 'TRUE' })).output).to.include({ price: 3, country: true, ts: '1700000000000' });
    expect(back.apply(order({ price: 2.5 })).error?.message).to.equal('fields.price: cannot cast 2.5 to int: 2.5 is not a 32-bit integer');
    const when = compilePipeline(definition([{ type: 'cast', fields: { id: 'timestamp' } }]));
    expect(when.apply(order({ id: '2024-02-29T10:00:00+02:00' })).output).to.include({ id: Date.UTC(2024, 1, 29, 8) });
    expect(when.apply(order({ id: '2024-03-01' })).output).to.include({ id: Date.UTC(2024, 2, 1) });
    for (const bad of ['2024-02-30', '2024-02-29T10:00:00', 'yesterday']) {
      expect(when.apply(order({ id: bad })).error?.message, bad).to.equal(`fields.id: cannot cast "${bad}" to timestamp`);
    }
  });

  it('a stage never changes the caller’s record', () => {
    const record = order();
    const before = structuredClone(record);
    run([{ type: 'map', fields: { price: 'price * 2.0' } }, { type: 'drop', fields: ['id'] }, { type: 'rename', fields: { customer: 'c' } }], record);
    expect(record).to.deep.equal(before);
  });

  it('stages run in order and the output schema follows them', () => {
    const stages = [
      { type: 'derive', fields: { total: 'price * quantity' } },
      { type: 'filter', where: 'total > 5.0' },
      { type: 'rename', fields: { total: 'amount' } },
      { type: 'cast', fields: { quantity: 'long' } },
      { type: 'drop', fields: ['coupon', 'ts'] },
    ];
    expect(run(stages).output).to.deep.equal({ id: 'o1', customer: 'ann', country: 'DE', price: 2.5, quantity: 4, amount: 10 });
    expect(outputSchema(definition(stages)).map((f) => `${f.name}:${f.type}`)).to.deep.equal([
      'id:string',
      'customer:string',
      'country:string',
      'price:double',
      'quantity:long',
      'amount:double',
    ]);
  });
});

function omit(record: Record<string, unknown>, ...names: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => !names.includes(k)));
}
