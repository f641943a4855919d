import { expect } from 'chai';
import { parseDefinition, validateDefinition } from '../src/index.js';
import { definition, lines, refusal } from './support/fixtures.js';

const refused = (value: unknown): string[] => lines(refusal(() => validateDefinition(value)));

describe('invalid definitions are refused with the path and why', () => {
  it('unknown stage type', () => {
    expect(refused(definition([{ type: 'map', fields: { a: '1' } }, { type: 'sort', by: 'id' }]))).to.deep.equal([
      '/stages/1/type: must be one of: map, derive, filter, rename, drop, cast, dedupe, enrich',
    ]);
  });

  it('missing id, and a bad id', () => {
    const { id: _id, ...noId } = definition([]);
    expect(refused(noId)).to.deep.equal(['/id: is required']);
    expect(refused(definition([], { id: 'Orders.v2' }))).to.deep.equal([
      '/id: must be 1-64 of [a-z0-9_-], starting with a letter or digit',
    ]);
    expect(refused(definition([], { id: 'x'.repeat(65) }))).to.have.length(1);
  });

  it('expression syntax error, with the stage path and the offset', () => {
    const issues = refusal(() => validateDefinition(definition([{ type: 'filter', where: 'price > 0.0' }, { type: 'map', fields: { total: 'price * quantity)' } }])));
    expect(issues).to.deep.equal([
      {
        path: '/stages/1/fields/total',
        field: 'stages[1].fields.total',
        message: "Unexpected character: ')' at 16",
      },
    ]);
  });

  it('expression type error and unknown field in an expression', () => {
    expect(refused(definition([{ type: 'map', fields: { n: { expr: 'customer * 2' } } }]))).to.deep.equal([
      '/stages/0/fields/n/expr: no such overload: string * int at 0',
    ]);
    expect(refused(definition([{ type: 'filter', where: 'amount > 0' }]))).to.deep.equal([
      '/stages/0/where: unknown field "amount" at 0 (fields here: id, customer, country, price, quantity, ts, coupon)',
    ]);
    expect(refused(definition([{ type: 'filter', where: 'price * 2.0' }]))).to.deep.equal([
      '/stages/0/where: must be a boolean expression, but it is double',
    ]);
  });

  it('unknown field in rename, drop, cast, key, dedupe and enrich', () => {
    expect(refused(definition([{ type: 'rename', fields: { customr: 'client' } }]))).to.deep.equal([
      '/stages/0/fields/customr: unknown field "customr" (fields here: id, customer, country, price, quantity, ts, coupon)',
    ]);
    expect(refused(definition([{ type: 'drop', fields: ['id', 'nope'] }]))).to.deep.equal([
      '/stages/0/fields/1: unknown field "nope" (fields here: id, customer, country, price, quantity, ts, coupon)',
    ]);
    const msgs = refused(
      definition(
        [
          { type: 'cast', fields: { qty: 'long' } },
          { type: 'dedupe', keys: ['order_id'], window: '1m' },
          { type: 'enrich', on: 'land', table: { DE: { region: 'EU' } }, fields: ['region'] },
        ],
        { key: ['order_id'] },
      ),
    );
    expect(msgs.map((m) => m.split(':')[0])).to.deep.equal(['/key/0', '/stages/0/fields/qty', '/stages/1/keys/0', '/stages/2/on']);
  });

  it('fields follow the stages: a renamed or dropped field is unknown afterwards', () => {
    expect(refused(definition([{ type: 'rename', fields: { customer: 'client' } }, { type: 'filter', where: 'customer != ""' }]))[0]).to.match(
      /^\/stages\/1\/where: unknown field "customer" at 0 \(fields here: id, client,/,
    );
    expect(refused(definition([{ type: 'drop', fields: ['price'] }, { type: 'cast', fields: { price: 'string' } }]))[0]).to.match(
      /^\/stages\/1\/fields\/price: unknown field "price"/,
    );
  });

  it('bad dedupe window', () => {
    expect(refused(definition([{ type: 'dedupe', keys: ['id'], window: '10 minutes' }]))).to.deep.equal([
      '/stages/0/window: must be a duration such as 500ms, 30s, 10m, 2h or 1d',
    ]);
    expect(refused(definition([{ type: 'dedupe', keys: ['id'], window: '0s' }]))).to.deep.equal(['/stages/0/window: must be longer than 0']);
    expect(refused(definition([{ type: 'dedupe', keys: ['id'], window: '8d' }]))).to.deep.equal([
      '/stages/0/window: must be at most 7d: dedupe state is kept in memory',
    ]);
    expect(refused(definition([{ type: 'dedupe', keys: ['id'], window: '1m', timeField: 'customer' }]))).to.deep.equal([
      '/stages/0/timeField: must be a timestamp (epoch ms) field, but "customer" is string',
    ]);
  });

  it('duplicate stage ids, explicit or implied', () => {
    expect(
      refused(
        definition([
          { id: 'a', type: 'filter', where: 'true' },
          { id: 'a', type: 'filter', where: 'true' },
          { id: 'filter-3', type: 'drop', fields: ['id'] },
          { type: 'filter', where: 'true' },
        ]),
      ),
    ).to.deep.equal(['/stages/1/id: duplicate stage id "a" (also stages[0])', '/stages/3: duplicate stage id "filter-3" (also stages[2])']);
  });

  it('enrich table shape', () => {
    expect(refused(definition([{ type: 'enrich', on: 'country', table: { DE: 'EU' }, fields: ['region'] }]))).to.deep.equal([
      '/stages/0/table/DE: must be object',
    ]);
    expect(refused(definition([{ type: 'enrich', on: 'country', table: { DE: { region: { name: 'EU' } } }, fields: ['region'] }]))).to.deep.equal([
      '/stages/0/table/DE/region: must be string or number or boolean or null',
    ]);
    expect(refused(definition([{ type: 'enrich', on: 'country', table: { DE: { region: 'EU' }, US: { region: 1 } }, fields: ['region', 'zone'] }]))).to.deep.equal([
      '/stages/0/table/US/region: is a number but row "DE" holds a string: a column holds one type',
      '/stages/0/fields/1: "zone" is not a column of the table',
    ]);
    expect(refused(definition([{ type: 'enrich', on: 'country', table: {}, fields: ['region'], missing: 'skip' }]))).to.deep.equal([
      '/stages/0/table: must NOT have fewer than 1 properties',
      '/stages/0/missing: must be one of: null, drop, error',
    ]);
  });

  it('unknown properties, wrong types and bad names are named', () => {
    expect(refused(definition([{ type: 'filter', where: 'true', when: 'x' }], { owner: 'me', priority: 'urgent' }))).to.deep.equal([
      '/owner: is not allowed here (unknown property)',
      '/priority: must be one of: high, normal, low',
      '/stages/0/when: is not allowed here (unknown property)',
    ]);
    expect(refused(definition([{ type: 'map', fields: { 'total-price': 'price' } }]))).to.deep.equal([
      '/stages/0/fields/total-price: must be a field name: a letter or _, then letters, digits or _ (at most 128; not __proto__)',
    ]);
    expect(refused(definition([{ type: 'filter' }], { stages: 'none' }))).to.deep.equal(['/stages: must be array']);
  });

  it('input: exactly one of schema or inferFrom; field names, duplicates, defaults', () => {
    expect(refused({ id: 'a', name: 'a', input: {}, stages: [] })).to.deep.equal(['/input: must give exactly one of schema or inferFrom']);
    expect(refused({ id: 'a', name: 'a', input: { schema: [{ name: 'a', type: 'string' }], inferFrom: [{ a: 'x' }] }, stages: [] })).to.deep.equal([
      '/input: must give exactly one of schema or inferFrom',
    ]);
    const schema = [
      { name: 'a', type: 'int', default: 1.5 },
      { name: 'a', type: 'string' },
      { name: 'b', type: 'string', default: null },
      { name: 'c', type: 'decimal' },
    ];
    expect(refused({ id: 'a', name: 'a', input: { schema }, stages: [] })).to.deep.equal([
      '/input/schema/3/type: must be one of: string, int, long, float, double, boolean, timestamp',
    ]);
    expect(refused({ id: 'a', name: 'a', input: { schema: schema.slice(0, 3) }, stages: [] })).to.deep.equal([
      '/input/schema/0/default: 1.5 is not a 32-bit integer (int)',
      '/input/schema/1/name: duplicate field "a" (also input.schema[0])',
      '/input/schema/2/default: is null but the field is not nullable',
    ]);
    expect(refused({ id: 'a', name: 'a', input: { inferFrom: [{ a: 1 }, { a: 'x', b: { c: 1 } }] }, stages: [] })).to.deep.equal([
      '/input/inferFrom/1/b: must be string or number or boolean or null',
    ]);
    expect(refused({ id: 'a', name: 'a', input: { inferFrom: [{ a: 1 }, { a: 'x' }] }, stages: [] })).to.deep.equal([
      '/input/inferFrom/1/a: is a string but sample 0 holds a number',
    ]);
  });

  it('sinks and staging dedupe', () => {
    expect(refused(definition([], { sinks: [{ type: 'kafka', topic: 'raw' }, { type: 's3' }] }))).to.deep.equal([
      '/sinks/1/type: must be one of: kafka',
    ]);
    expect(refused(definition([], { sinks: [{ type: 'kafka', topic: 'raw' }], dedupe: { window: '5m' } }))).to.deep.equal([
      '/dedupe: needs `key`: staging dedupes by the record key',
      '/sinks/0/topic: "raw" is written by Tributary itself; use processed or a suffix of your own',
    ]);
  });

  it('computed field types: declared must fit, undeclared must be knowable', () => {
    expect(refused(definition([{ type: 'map', fields: { n: { expr: 'price * 2.0', type: 'long' } } }]))).to.deep.equal([
      '/stages/0/fields/n/type: is declared long but the expression produces double (convert with int(…))',
    ]);
    expect(refused(definition([{ type: 'map', fields: { c: 'coupon' } }]))).to.deep.equal([
      '/stages/0/fields/c: cannot tell the type of this expression (CEL type dyn); declare it, e.g. { expr: "…", type: double }',
    ]);
  });

  it('every fault of a definition is listed in one pass', () => {
    const text = ['id: Bad Id', 'name: x', 'input: { schema: [] }', 'stages:', '  - { type: filter, where: "(" }'].join('\n');
    const issues = refusal(() => parseDefinition(text));
    expect(issues.map((i) => [i.path, i.line])).to.deep.equal([
      ['/id', 1],
      ['/input/schema', 3],
    ]);
  });
});
