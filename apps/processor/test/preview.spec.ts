import { expect } from 'chai';
import { previewRecords } from '../src/processing/index.js';
import { order, ordersDefinition } from './fixtures.js';

describe('previewRecords', () => {
  const definition = ordersDefinition('preview-unit');

  it('coerces, applies every stage and counts staging first', () => {
    const result = previewRecords(definition, [
      order(),
      order({ price: 'free' }), // not a double: a staging error
      order({ id: 'o2', quantity: 0 }), // filtered
      order({ id: 'o3', country: 'BR' }), // enrich fails
      order({ ts: 1_700_000_060_000 }), // duplicate of o1
      'not an object',
    ]);
    expect(result.output).to.deep.equal([{ ...order(), total: 10, region: 'EU' }]);
    expect(result.errors.map((e) => [e.index, e.stage, e.errors[0]?.code])).to.deep.equal([
      [1, 'staging', 'TRIB_RECORD_FIELD_TYPE'],
      [3, 'region', 'TRIB_STAGE_FAILED'],
      [5, 'staging', 'TRIB_RECORD_NOT_OBJECT'],
    ]);
    expect(result.errors[0]?.errors[0]?.field).to.equal('price');
    expect(result.counts.map((c) => [c.stage, c.recordsIn, c.recordsOut, c.recordsErrored])).to.deep.equal([
      ['staging', 6, 4, 2],
      ['totals', 4, 4, 0],
      ['positive', 4, 3, 0],
      ['region', 3, 2, 1],
      ['once', 2, 1, 0],
    ]);
  });

  it('keeps no state between previews', () => {
    expect(previewRecords(definition, [order()]).output).to.have.length(1);
    expect(previewRecords(definition, [order()]).output).to.have.length(1);
  });

  it("judges the outputs by the definition's quality rules: a dry run of what the quality manager would do", () => {
    const withRules = ordersDefinition('preview-rules', {
      quality: {
        rules: [
          { id: 'big-order', type: 'in_range', field: 'total', max: 50 },
          { id: 'eu-only', type: 'in_set', field: 'region', values: ['EU'], severity: 'warn' },
        ],
      },
    });
    const result = previewRecords(withRules, [order({ id: 'a' }), order({ id: 'b', quantity: 40 }), order({ id: 'c', country: 'US' })]);
    expect(result.output.map((r) => r.id)).to.deep.equal(['a', 'b', 'c']);
    expect(result.quality).to.deep.include({ validated: 2, warned: 1, quarantined: 1 });
    expect(result.quality?.verdicts.map((v) => [v.output, v.quarantine, v.failures.map((f) => f.ruleId)])).to.deep.equal([
      [1, true, ['big-order']],
      [2, false, ['eu-only']],
    ]);
    expect(previewRecords(definition, [order()]).quality).to.equal(undefined);
  });
});
