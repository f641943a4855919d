import { expect } from 'chai';
import { uniqueName, waitFor } from '../src/index.js';

describe('waitFor', () => {
  it('returns the first truthy value the probe gives', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? `done after ${calls}` : undefined), { intervalMs: 1 });
    expect(value).to.equal('done after 3');
  });

  it('fails with what it waited for and the last error', async () => {
    try {
      await waitFor(
        () => {
          throw new Error('broker unreachable');
        },
        { timeoutMs: 20, intervalMs: 5, what: 'the topic to exist' },
      );
      expect.fail('expected a timeout');
    } catch (err) {
      expect((err as Error).message).to.match(/waiting for the topic to exist; last error: broker unreachable/);
    }
  });
});

describe('uniqueName', () => {
  it('never repeats and keeps the prefix', () => {
    const names = new Set(Array.from({ length: 1000 }, () => uniqueName('t')));
    expect(names.size).to.equal(1000);
    for (const n of names) expect(n).to.match(/^t-[a-z0-9]+-[0-9a-f]{8}$/);
  });
});
