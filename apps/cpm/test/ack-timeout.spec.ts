import { createLogger, createMetrics } from '@tributary/observability';
import { expect } from 'chai';
import request from 'supertest';
import { createCpmApp } from '../src/app.js';
import { parseApiKeys } from '../src/auth/api-keys.js';
import { InMemoryPipelineDirectory } from '../src/ingest/pipeline-directory.js';
import { FakeBaselines, FakeDefinitions, FakeEvents, FakeQuality, fakeStreams, fakeMonitoring } from './fakes.js';
import { apiKeysText, bearer, expectErrorShape, keys } from './helpers.js';

// Unit level: a publisher whose acknowledgements never come (what kafkajs' idempotent producer does
// while it retries) must not hold the request past ingestAckTimeoutMs.
describe('ingest acknowledgement timeout', () => {
  it('answers 503 TRIB_INGEST_ACK_TIMEOUT with Retry-After when acks do not come in time', async () => {
    const metrics = createMetrics({ service: 'cpm-ack-test' });
    const handed: string[] = [];
    const app = createCpmApp({
      config: { topicPrefix: 'tributary' },
      logger: createLogger({ service: 'cpm-ack-test', level: 'silent' }),
      publisher: {
        publish: () => Promise.reject(new Error('not used')),
        publishRawBatch: (topic) => {
          handed.push(topic);
          return new Promise<void>(() => undefined);
        },
      },
      kafkaProbe: { name: 'kafka', check: () => Promise.resolve() },
      readiness: [],
      apiKeys: parseApiKeys(apiKeysText),
      metrics,
      pipelines: new InMemoryPipelineDirectory({ slow: [{ name: 'id', type: 'int' }] }),
      definitions: new FakeDefinitions(),
      events: new FakeEvents(),
      quality: new FakeQuality(),
      quarantine: { page: () => Promise.reject(new Error('no quarantine in this test')) },
      eventStreams: fakeStreams(new FakeEvents()),
      monitoring: fakeMonitoring(),
      baselines: new FakeBaselines(),
      options: { ingestAckTimeoutMs: 300, retryAfterSeconds: 3 },
    });
    try {
      const started = Date.now();
      const res = await request(app)
        .post('/api/v1/pipelines/slow/records')
        .set('Authorization', bearer(keys.operator))
        .set('Content-Type', 'application/json')
        .send('[{"id":1},{"id":"x"}]')
        .expect(503);
      expect(Date.now() - started).to.be.lessThan(3_000);
      expect(res.headers['retry-after']).to.equal('3');
      expect(expectErrorShape(res.body)).to.deep.include({ code: 'TRIB_INGEST_ACK_TIMEOUT', details: { accepted: 0 } });
      expect(handed).to.deep.equal(['tributary.data.slow.raw']);
    } finally {
      await metrics.close();
    }
  });

  it('the service logger redacts Authorization headers', () => {
    const lines: string[] = [];
    const logger = createLogger({ service: 'cpm-redact-test', destination: { write: (l: string) => void lines.push(l) } });
    logger.info({ headers: { authorization: bearer(keys.admin) }, req: { headers: { authorization: bearer(keys.admin) } } }, 'x');
    expect(lines.join('')).not.to.include(keys.admin);
    expect(lines.join('')).to.include('[REDACTED]');
  });
});
