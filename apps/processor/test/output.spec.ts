import type { AvroRecordSchema } from '@tributary/schemas';
import { expect } from 'chai';
import { createOutputShaper } from '../src/processing/output.js';

const schema: AvroRecordSchema = {
  type: 'record',
  name: 'Output',
  namespace: 'tributary.data.test',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'total', type: 'double' },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
};

describe('output shaper', () => {
  const shape = createOutputShaper(schema);

  it('keeps the schema’s fields in order, absent nullable fields as null, and drops the others', () => {
    expect(shape({ extra: 1, total: 2.5, id: 'r-1' })).to.deep.equal({ ok: true, value: { id: 'r-1', total: 2.5, note: null } });
  });

  it('says which field does not fit the output schema, and why', () => {
    const shaped = shape({ id: 'r-2', total: 'lots', note: 7 });
    expect(shaped.ok).to.equal(false);
    expect(!shaped.ok && shaped.message).to.equal('total: "lots" does not fit the output schema; note: 7 does not fit the output schema');
  });

  it('names a missing required field', () => {
    const shaped = shape({ total: 1 });
    expect(!shaped.ok && shaped.message).to.match(/^id: undefined does not fit the output schema$/);
  });
});
