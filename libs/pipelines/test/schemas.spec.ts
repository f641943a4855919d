import avro from 'avsc';
import { expect } from 'chai';
import {
  DefinitionError,
  avroNamespaceFor,
  definitionJsonSchema,
  inferInputSchema,
  outputSchema,
  pipelineAvroSchemas,
  pipelineDefaults,
  toAvroSchema,
  validateDefinition,
  type FieldDeclaration,
} from '../src/index.js';
import { definition, orderFields } from './support/fixtures.js';

describe('inferInputSchema', () => {
  it('infers types and nullability from samples, in order of first appearance', () => {
    const fields = inferInputSchema([
      { id: 'a', qty: 1, price: 2, ok: true, note: null },
      { id: 'b', qty: 3, price: 2.5, ok: false, extra: 'x' },
    ]);
    expect(fields).to.deep.equal([
      { name: 'id', type: 'string', nullable: false },
      { name: 'qty', type: 'long', nullable: false },
      { name: 'price', type: 'double', nullable: false },
      { name: 'ok', type: 'boolean', nullable: false },
      { name: 'note', type: 'string', nullable: true },
      { name: 'extra', type: 'string', nullable: true },
    ]);
  });

  it('refuses mixed kinds, nested values and bad names, naming sample and field', () => {
    try {
      inferInputSchema([{ a: 1, 'b-c': 1 }, { a: 'x', n: [1] }]);
      expect.fail('refused');
    } catch (err) {
      expect(err).to.be.instanceOf(DefinitionError);
      expect((err as DefinitionError).details.map((d) => `${d.field}: ${d.message}`)).to.deep.equal([
        '[0]["b-c"]: is not a field name: a letter or _, then letters, digits or _ (at most 128; not __proto__)',
        '[1].a: is a string but sample 0 holds a number',
        '[1].n: is a nested value: records must be flat (scalars and nulls only)',
      ]);
    }
    expect(() => inferInputSchema([])).to.throw(DefinitionError, 'needs at least one sample record');
  });
});

describe('toAvroSchema', () => {
  const fields: FieldDeclaration[] = [
    ...orderFields,
    { name: 'flag', type: 'boolean', default: false },
    { name: 'score', type: 'float', nullable: true, default: 1.5 },
    { name: 'n', type: 'long', nullable: true, doc: 'A count' },
  ];

  it('writes a record schema avsc accepts, with nullable unions defaulting to null', () => {
    const schema = toAvroSchema(fields, { name: 'Input', namespace: 'tributary.data.orders' });
    const type = avro.Type.forSchema(schema);
    expect(type.name).to.equal('tributary.data.orders.Input');
    expect(schema.fields.find((f) => f.name === 'ts')?.type).to.deep.equal({ type: 'long', logicalType: 'timestamp-millis' });
    expect(schema.fields.find((f) => f.name === 'coupon')).to.deep.equal({ name: 'coupon', type: ['null', 'string'], default: null });
    expect(schema.fields.find((f) => f.name === 'score')).to.deep.equal({ name: 'score', type: ['float', 'null'], default: 1.5 });
    expect(schema.fields.find((f) => f.name === 'n')).to.deep.equal({ name: 'n', type: ['null', 'long'], default: null, doc: 'A count' });
    const record = { id: 'o1', customer: 'ann', country: 'DE', price: 2.5, quantity: 4, ts: 1, coupon: null, flag: true, score: null, n: 3 };
    expect(type.isValid(record)).to.equal(true);
    expect(type.fromBuffer(type.toBuffer(record))).to.deep.include({ n: 3, coupon: null });
  });

  it('gives pipeline input and output schemas under tributary.data.<id>', () => {
    const def = definition([{ type: 'derive', fields: { total: 'price * quantity' } }, { type: 'drop', fields: ['coupon'] }], { id: '2fa-orders' });
    const { input, output } = pipelineAvroSchemas(validateDefinition(def));
    expect([input.namespace, input.name, output.name]).to.deep.equal(['tributary.data._2fa_orders', 'Input', 'Output']);
    const out = avro.Type.forSchema(output) as avro.Type & { fields: { name: string }[] };
    expect(out.fields.map((f) => f.name)).to.deep.equal([...outputSchema(def).map((f) => f.name)]);
    expect(avro.Type.forSchema(input).isValid({ id: 'x', customer: 'c', country: 'DE', price: 1, quantity: 1, ts: 0, coupon: 'C' })).to.equal(true);
  });

  it('maps every valid pipeline id to a valid Avro namespace', () => {
    for (const id of ['orders', 'a', '0', '9-lives', 'x_y-z', 'a'.repeat(64)]) {
      const namespace = avroNamespaceFor(id);
      expect(() => avro.Type.forSchema({ type: 'record', name: 'R', namespace, fields: [] }), id).to.not.throw();
    }
  });
});

describe('the JSON Schema of the format', () => {
  it('documents the same defaults as pipelineDefaults', () => {
    const schema = definitionJsonSchema() as { properties: Record<string, { default?: unknown }>; $defs: Record<string, { properties: Record<string, { default?: unknown }> }> };
    expect(schema.properties['priority']?.default).to.equal(pipelineDefaults.priority);
    expect(schema.$defs['sink']?.properties['topic']?.default).to.equal(pipelineDefaults.sink.topic);
    expect(schema.$defs['enrichStage']?.properties['missing']?.default).to.equal(pipelineDefaults.enrichMissing);
  });
});
