import { expect } from 'chai';
import {
  QualityDeltaAccumulator,
  type QualityMetricsError,
  type QualityWindowDelta,
  type QualityWindowMetrics,
  evaluateExpectations,
  expectationFields,
  expectationWindowSizes,
  parseWindowExpectations,
  windowMetrics,
} from '../src/index.js';
import { MINUTE, T0, syntheticWindow } from './support/fixtures.js';

const declared = parseWindowExpectations([
  { id: 'enough-orders', type: 'volume', window: '1m', min: 3 },
  { id: 'not-flooded', type: 'volume', window: '1m', max: 3 },
  { id: 'email-present', type: 'completeness', field: 'email', window: '1m', min: 0.75, description: 'kept, ignored' },
  { id: 'mostly-valid', type: 'validity', window: '1m', min: 0.7 },
  { id: 'price-valid', type: 'validity', field: 'price', window: '1m', min: 0.9 },
  { id: 'hourly-volume', type: 'volume', window: '1h', min: 100 },
]);

/** Four records: one email null, one price failure (error), one email warning. */
function window(): QualityWindowMetrics {
  const accumulator = new QualityDeltaAccumulator({ pipelineId: 'orders' });
  const at = (i: number) => T0 + i * 1000;
  accumulator.add({ record: { id: 'a', email: 'a@x', price: 1 }, recordId: 'a', now: at(0), failures: [], quarantined: false });
  accumulator.add({ record: { id: 'b', email: null, price: 2 }, recordId: 'b', now: at(1), failures: [], quarantined: false });
  accumulator.add({
    record: { id: 'c', email: 'c@x', price: -1 },
    recordId: 'c',
    now: at(2),
    failures: [{ ruleId: 'price-positive', ruleType: 'range', severity: 'error', field: 'price' }],
    quarantined: true,
  });
  accumulator.add({
    record: { id: 'd', email: 'd@', price: 4 },
    recordId: 'd',
    now: at(3),
    failures: [{ ruleId: 'email-format', ruleType: 'pattern', severity: 'warn', field: 'email' }],
    quarantined: false,
  });
  return windowMetrics(accumulator.drain()[0] as QualityWindowDelta, { closedBy: 'watermark' });
}

describe('window expectations', () => {
  it('judges the expectations of the window size, in Great Expectations words', () => {
    const results = evaluateExpectations(window(), declared);
    expect(results.map((r) => [r.expectationId, r.observedValue, r.success])).to.deep.equal([
      ['enough-orders', 4, true],
      ['not-flooded', 4, false],
      ['email-present', 0.75, true],
      ['mostly-valid', 0.75, true],
      ['price-valid', 0.75, false],
    ]);
    expect(results[4]).to.deep.equal({
      expectationId: 'price-valid',
      type: 'validity',
      pipelineId: 'orders',
      window: '1m',
      windowStart: T0,
      windowEnd: T0 + MINUTE,
      field: 'price',
      observedValue: 0.75,
      min: 0.9,
      success: false,
    });
  });

  it('fails volume on an empty window and does not judge ratios there', () => {
    const results = evaluateExpectations(syntheticWindow({ index: 3, score: null }), declared);
    expect(results.map((r) => [r.expectationId, r.observedValue, r.success])).to.deep.equal([
      ['enough-orders', 0, false],
      ['not-flooded', 0, true],
      ['email-present', null, true],
      ['mostly-valid', null, true],
      ['price-valid', null, true],
    ]);
  });

  it('reads a field never seen as all null and never failing, unless the window truncated its fields', () => {
    const w = syntheticWindow({ index: 0, score: 100, records: 10 });
    const never = parseWindowExpectations([
      { id: 'c', type: 'completeness', field: 'vip', window: '1m', min: 0.5 },
      { id: 'v', type: 'validity', field: 'vip', window: '1m', min: 0.5 },
    ]);
    expect(evaluateExpectations(w, never).map((r) => r.observedValue)).to.deep.equal([0, 1]);
    expect(evaluateExpectations({ ...w, fieldsTruncated: true }, never).map((r) => [r.observedValue, r.success])).to.deep.equal([
      [null, true],
      [null, true],
    ]);
  });

  it('lists the window sizes and fields a pipeline needs reduced and tracked', () => {
    expect(expectationWindowSizes(declared)).to.deep.equal([MINUTE, 60 * MINUTE]);
    expect(expectationFields(declared)).to.deep.equal(['email', 'price']);
    const hourly = syntheticWindow({ index: 0, score: 90, records: 80, sizeMs: 60 * MINUTE });
    expect(evaluateExpectations(hourly, declared).map((r) => [r.expectationId, r.success])).to.deep.equal([['hourly-volume', false]]);
  });

  it('refuses malformed declarations, naming each one', () => {
    let error: QualityMetricsError | undefined;
    try {
      parseWindowExpectations([
        { id: 'a', type: 'volume', window: '1m' },
        { id: 'b', type: 'completeness', window: '1m', min: 0.5 },
        { id: 'c', type: 'validity', window: 'soon', min: 2 },
        { id: 'd', type: 'volume', window: '1m', min: 5, max: 1 },
        { id: 'e', type: 'freshness', window: '1m' },
      ]);
    } catch (e) {
      error = e as QualityMetricsError;
    }
    expect(error?.code).to.equal('TRIB_QUALITY_EXPECTATION_INVALID');
    expect(error?.issues.map((i) => i.path)).to.deep.equal(['0', '1.field', '2.window', '2.min', '3', '4.type']);
    expect(() => parseWindowExpectations([declared[0], declared[0]])).to.throw(/duplicate expectation id "enough-orders"/);
  });
});
