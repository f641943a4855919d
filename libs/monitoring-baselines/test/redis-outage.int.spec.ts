/**
 * Redis stopped under a running book, then started again empty (the stack runs it without
 * persistence): monitoring degrades and says so, goes on in memory, and once Redis is back writes
 * every baseline again; a restarted book then reads them back.
 */
import { PrivateRedis, waitFor } from '@tributary/testing';
import { expect } from 'chai';
import { BaselineBook, BaselineError, BaselineStore, type FlushResult } from '../src/index.js';
import { testRedis } from './support/redis.js';
import { T0, counterSeries, gaugeSeries, noisy } from './support/series.js';

describe('Redis stopped and started again empty', function () {
  this.timeout(120_000);
  let server: PrivateRedis;

  before(async () => {
    server = await PrivateRedis.start();
  });

  after(async () => {
    await server?.stop();
  });

  it('degrades while Redis is away and writes everything back once it returns', async () => {
    // Reconnects every 100 ms for ever; commands fail at once while disconnected.
    const redis = testRedis(server.url, { retryStrategy: () => 100, enableOfflineQueue: false, lazyConnect: true });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      const store = new BaselineStore({ redis, prefix: 'tributary:monitoring', timeoutMs: 1000 });
      const book = new BaselineBook({ store });
      const points = [...gaugeSeries(noisy(600, 40, 3, 71)), ...counterSeries(noisy(600, 12, 1, 72))].sort((a, b) => a.observedAt - b.observedAt);
      book.apply(points.slice(0, 400));
      expect(await book.flush()).to.deep.equal({ saved: 2, resynced: false });

      await server.stop();
      book.apply(points.slice(400, 800));
      const err = await book.flush().then(
        () => expect.fail('flush should fail while Redis is down'),
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(BaselineError).and.include({ code: 'TRIB_BASELINE_STORE_UNAVAILABLE', retriable: true });
      expect(book.health()).to.include({ store: 'degraded', dirtySeries: 2 });

      // Baselines and detection carry on in memory meanwhile.
      const spike = gaugeSeries([400, 400, 400], { start: T0 + 600 * 15_000 });
      book.apply(points.slice(800));
      expect(book.apply(spike).transitions.map((t) => t.kind)).to.deep.equal(['opened']);

      await server.start();
      const flushed = await waitFor<FlushResult>(() => book.flush().catch(() => undefined), { timeoutMs: 30_000, intervalMs: 200, what: 'a flush once Redis is back' });
      expect(flushed).to.deep.equal({ saved: 2, resynced: true });
      expect(book.health()).to.include({ store: 'ok', dirtySeries: 0, failedFlushes: 0 });

      const restarted = new BaselineBook({ store: new BaselineStore({ redis, prefix: 'tributary:monitoring' }) });
      expect(await restarted.restore()).to.deep.equal({ series: 2, invalid: [] });
      expect(restarted.snapshots()).to.deep.equal(book.snapshots());
      expect(restarted.openAnomalies().map((a) => a.openedAt)).to.deep.equal([T0 + 600 * 15_000]);
    } finally {
      redis.disconnect();
    }
  });
});
