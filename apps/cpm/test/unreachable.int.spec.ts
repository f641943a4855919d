import { expect } from 'chai';
import request from 'supertest';
import { bearer, expectErrorShape, keys, testCpm, type TestCpm } from './helpers.js';

const fields = [{ name: 'id', type: 'int' as const }];

describe('CPM while Kafka is unreachable', () => {
  const cpms: TestCpm[] = [];
  after(async () => {
    for (const c of cpms) await c.close();
  });

  function deadCpm(kafkaProbeAlwaysUp = false) {
    const cpm = testCpm({
      brokers: ['127.0.0.1:1'],
      registryUrl: 'http://127.0.0.1:1/apis/ccompat/v7',
      kafkaProbeAlwaysUp,
      options: { kafkaProbeTimeoutMs: 1_000, ingestAckTimeoutMs: 1_500, retryAfterSeconds: 7 },
    });
    cpm.pipelines.set('p-dead', fields);
    cpms.push(cpm);
    return cpm;
  }

  const post = (cpm: TestCpm) =>
    request(cpm.app)
      .post('/api/v1/pipelines/p-dead/records')
      .set('Authorization', bearer(keys.operator))
      .set('Content-Type', 'application/json')
      .send('[{"id":1},{"id":2}]');

  it('ingest answers 503 with Retry-After within a few seconds, nothing accepted', async () => {
    const cpm = deadCpm();
    const started = Date.now();
    const res = await post(cpm).expect(503);
    expect(Date.now() - started).to.be.lessThan(5_000);
    expect(res.headers['retry-after']).to.equal('7');
    const error = expectErrorShape(res.body);
    expect(error.code).to.equal('TRIB_BROKER_UNREACHABLE');
    expect(error.details).to.deep.equal({ accepted: 0 });
  });

  it('still answers 503 (not 500, not a hang) when the probe passes but the producer cannot deliver', async () => {
    const cpm = deadCpm(true);
    const started = Date.now();
    const res = await post(cpm).expect(503);
    expect(Date.now() - started).to.be.lessThan(5_000);
    expect(res.headers['retry-after']).to.equal('7');
    expect(['TRIB_BROKER_UNREACHABLE', 'TRIB_INGEST_ACK_TIMEOUT']).to.include(expectErrorShape(res.body).code);
  });

  it('/readyz answers 503 naming the unreachable dependencies; /healthz stays 200', async () => {
    const cpm = deadCpm();
    const res = await request(cpm.app).get('/readyz').expect(503);
    const error = expectErrorShape(res.body);
    expect(error.code).to.equal('TRIB_NOT_READY');
    expect(error.details.checks).to.have.keys('kafka', 'schemaRegistry');
    expect(String((error.details.checks as Record<string, string>).kafka)).to.match(/^down/);
    expect(res.headers['retry-after']).to.equal('7');
    await request(cpm.app).get('/healthz').expect(200);
  });
});
