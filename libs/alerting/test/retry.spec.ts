import { expect } from 'chai';
import { AlertingError, backoffDelay, isRetriable, retryDefaults, withRetry } from '../src/index.js';

describe('retry', () => {
  it('backs off exponentially up to the ceiling, spread by the jitter', () => {
    const policy = { ...retryDefaults, initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 0.2 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n, () => 0.5))).to.deep.equal([100, 200, 400, 800, 1000]);
    expect(backoffDelay(policy, 1, () => 0)).to.equal(80);
    expect(backoffDelay(policy, 1, () => 0.999999)).to.equal(120);
  });

  it('retries retriable errors only, and rethrows the last one when the retries are spent', async () => {
    const waits: number[] = [];
    const hooks = { sleep: (ms: number) => Promise.resolve(void waits.push(ms)), random: () => 0.5 };
    const policy = { ...retryDefaults, retries: 2, initialDelayMs: 10, jitter: 0 };
    let calls = 0;
    const failing = new AlertingError('TRIB_ALERT_DELIVERY_FAILED', 'down');
    const error = await withRetry(() => Promise.reject(failing), policy, hooks).catch((e: unknown) => e);
    expect([error, waits]).to.deep.equal([failing, [10, 20]]);
    const rejected = new AlertingError('TRIB_ALERT_DELIVERY_REJECTED', 'bad request');
    expect(isRetriable(failing)).to.equal(true);
    expect(isRetriable(rejected)).to.equal(false);
    expect(isRetriable(new Error('x'))).to.equal(false);
    const once = () => {
      calls++;
      return Promise.reject(rejected);
    };
    await withRetry(once, policy, hooks).catch(() => undefined);
    expect(calls).to.equal(1);
    expect(await withRetry((attempt) => (attempt < 2 ? Promise.reject(failing) : Promise.resolve(attempt)), policy, hooks)).to.equal(2);
  });
});
