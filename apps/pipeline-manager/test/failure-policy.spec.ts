import { expect } from 'chai';
import { ErrorRateWindows, failureReason } from '../src/failure/index.js';
import { pipelineManagerDefaults, resolvePipelineManagerOptions } from '../src/options.js';

const policy = { errorRate: 0.5, minRecords: 100, windowRecords: 200 };

describe('ErrorRateWindows', () => {
  it('gives no verdict before minRecords, however bad the rate', () => {
    const w = new ErrorRateWindows(policy);
    expect(w.observe('r1', 'totals', { in: 99, errored: 99 })).to.equal(undefined);
  });

  it('fails a stage whose rate over the window is above the threshold, with the figures', () => {
    const w = new ErrorRateWindows(policy);
    expect(w.observe('r1', 'totals', { in: 60, errored: 20 })).to.equal(undefined);
    expect(w.observe('r1', 'totals', { in: 40, errored: 30 })).to.equal(undefined); // exactly 50%: not above
    const verdict = w.observe('r1', 'totals', { in: 10, errored: 10 });
    expect(verdict).to.deep.include({ runId: 'r1', stage: 'totals', recordsIn: 110, recordsErrored: 60 });
    expect(failureReason(verdict!, policy)).to.equal('stage totals errored 60 of its last 110 records (54.5%), above the 50.0% threshold');
  });

  it('keeps stages and runs apart', () => {
    const w = new ErrorRateWindows(policy);
    w.observe('r1', 'staging', { in: 100, errored: 0 });
    expect(w.observe('r1', 'totals', { in: 100, errored: 60 })?.stage).to.equal('totals');
    expect(w.observe('r2', 'totals', { in: 100, errored: 10 })).to.equal(undefined);
  });

  it('lets an old burst of errors age out of the window', () => {
    const w = new ErrorRateWindows(policy);
    w.observe('r1', 'totals', { in: 50, errored: 50 });
    expect(w.observe('r1', 'totals', { in: 200, errored: 0 })).to.equal(undefined);
    // The 50 errored records fell out: 200 clean ones cover the window.
    expect(w.observe('r1', 'totals', { in: 100, errored: 40 })).to.equal(undefined);
  });

  it('forgets a run that ended', () => {
    const w = new ErrorRateWindows(policy);
    w.observe('r1', 'totals', { in: 90, errored: 90 });
    w.forget('r1');
    expect(w.observe('r1', 'totals', { in: 20, errored: 20 })).to.equal(undefined);
  });
});

describe('resolvePipelineManagerOptions', () => {
  it('merges over the defaults without touching the input', () => {
    const input = { failure: { errorRate: 0.2 } };
    const o = resolvePipelineManagerOptions(input);
    expect(o.failure).to.deep.equal({ ...pipelineManagerDefaults.failure, errorRate: 0.2 });
    expect(input).to.deep.equal({ failure: { errorRate: 0.2 } });
  });

  it('refuses invalid options with a stable code', () => {
    expect(() => resolvePipelineManagerOptions({ failure: { errorRate: 2 } })).to.throw(/errorRate/).with.property('code', 'TRIB_PIPELINE_MANAGER_OPTIONS_INVALID');
    expect(() => resolvePipelineManagerOptions({ failure: { minRecords: 500, windowRecords: 100 } })).to.throw(/windowRecords/);
  });
});
