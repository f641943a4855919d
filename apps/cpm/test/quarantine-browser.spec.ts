import { silentLogger } from '@tributary/broker';
import { expect } from 'chai';
import type { Kafka } from 'kafkajs';
import { CpmHttpError } from '../src/errors.js';
import { createQuarantineBrowser } from '../src/quality/quarantine-browser.js';

describe('quarantine browser limits', () => {
  it('reads at most maxConcurrentPages pages at once; more are answered 503 with Retry-After', async () => {
    let release!: () => void;
    const stuck = new Promise<void>((r) => (release = r));
    // An admin whose connect waits: the first page holds its slot until released.
    const kafka = { admin: () => ({ connect: () => stuck, listTopics: () => Promise.resolve([]), disconnect: () => Promise.resolve() }) } as unknown as Kafka;
    const browser = createQuarantineBrowser({
      kafka,
      codec: { decode: () => Promise.reject(new Error('unused')) },
      topicPrefix: 't',
      logger: silentLogger,
      options: { maxConcurrentPages: 1, retryAfterSeconds: 7 },
    });
    const first = browser.page({ topic: 't.data.p.quarantine', limit: 10 });
    let refused: unknown;
    await browser.page({ topic: 't.data.p.quarantine', limit: 10 }).catch((err: unknown) => (refused = err));
    expect(refused).to.be.instanceOf(CpmHttpError);
    expect(refused).to.include({ status: 503, code: 'TRIB_TOO_MANY_READS' });
    expect((refused as CpmHttpError).headers).to.deep.equal({ 'Retry-After': '7' });
    release();
    expect((await first).records).to.deep.equal([]);
    // The slot is free again.
    expect((await browser.page({ topic: 't.data.p.quarantine', limit: 10 })).scanned).to.equal(0);
    await browser.close();
  });
});
