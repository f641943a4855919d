import { expect } from 'chai';
import { UnrecoverableError } from '../src/errors.js';
import { backoffDelay, errorCode, isInfrastructureFailure, isRetriable, resolveRetryPolicy, retry } from '../src/retry/index.js';

describe('backoffDelay', () => {
  const policy = resolveRetryPolicy({ initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.5 });

  it('grows exponentially up to the cap, with the jitter share randomised', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy, () => 0))).to.deep.equal([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy, () => 1))).to.deep.equal([100, 200, 400, 800, 1000]);
  });

  it('is fixed without jitter', () => {
    const fixed = resolveRetryPolicy({ jitter: 0, initialDelayMs: 10, maxDelayMs: 100 });
    expect(backoffDelay(3, fixed, Math.random)).to.equal(40);
  });

  it('refuses a nonsensical policy', () => {
    expect(() => resolveRetryPolicy({ maxAttempts: 0 })).to.throw(RangeError);
    expect(() => resolveRetryPolicy({ jitter: 2 })).to.throw(RangeError);
  });
});

describe('isRetriable / errorCode', () => {
  it('classifies in one place', () => {
    expect(isRetriable(new UnrecoverableError('bad'))).to.equal(false);
    expect(isRetriable(Object.assign(new Error('x'), { retriable: false }))).to.equal(false);
    expect(isRetriable(Object.assign(new Error('x'), { retriable: true }))).to.equal(true);
    expect(isRetriable(new TypeError('bug or flake'))).to.equal(true);
    expect(errorCode(new UnrecoverableError('bad', 'TRIB_RULE'))).to.equal('TRIB_RULE');
    expect(errorCode(new TypeError('x'))).to.equal('TypeError');
  });
});

describe('retry', () => {
  const policy = resolveRetryPolicy({ maxAttempts: 4, initialDelayMs: 1, maxDelayMs: 2 });
  const sleep = () => Promise.resolve();

  it('retries a retriable failure and then succeeds', async () => {
    const delays: number[] = [];
    const outcome = await retry(
      (attempt) => (attempt < 3 ? Promise.reject(new Error('flaky')) : Promise.resolve('ok')),
      policy,
      { sleep, now: () => 1234, onRetry: (_e, _a, d) => delays.push(d) },
    );
    expect(outcome).to.deep.equal({ ok: true, value: 'ok', attempts: 3, firstFailureAt: 1234 });
    expect(delays).to.have.length(2);
  });

  it('stops at once on an unrecoverable error', async () => {
    let calls = 0;
    const outcome = await retry(() => (calls++, Promise.reject(new UnrecoverableError('poison'))), policy, { sleep });
    expect(calls).to.equal(1);
    expect(outcome.ok).to.equal(false);
    expect(outcome.attempts).to.equal(1);
  });

  it('gives up after maxAttempts', async () => {
    let calls = 0;
    const outcome = await retry(() => (calls++, Promise.reject(new Error('down'))), policy, { sleep });
    expect(calls).to.equal(4);
    expect(outcome).to.include({ ok: false, attempts: 4 });
  });
});

describe('isInfrastructureFailure', () => {
  it('tells outages from bad messages', () => {
    expect(isInfrastructureFailure(Object.assign(new Error('registry down'), { code: 'TRIB_REGISTRY_UNAVAILABLE' }))).to.equal(true);
    expect(isInfrastructureFailure(Object.assign(new Error('x'), { name: 'KafkaJSConnectionError' }))).to.equal(true);
    expect(isInfrastructureFailure(new UnrecoverableError('bad record'))).to.equal(false);
    expect(isInfrastructureFailure(Object.assign(new Error('unknown id'), { code: 'TRIB_CODEC_UNKNOWN_SCHEMA' }))).to.equal(false);
  });
});
