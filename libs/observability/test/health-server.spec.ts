import { createMetrics, createMetricsHandler } from '../src/index.js';
import { expect } from 'chai';
import { createHealthServer } from '../src/health/index.js';

describe('health server', function () {
  it('answers /healthz, /readyz by readiness, and /metrics', async function () {
    let ready = false;
    const metrics = createMetrics({ service: 'health-test' });
    const server = createHealthServer({ port: 0, ready: () => ready, metrics: createMetricsHandler(metrics) });
    await server.listen();
    try {
      const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;
      expect((await fetch(url('/healthz'))).status).to.equal(200);
      expect((await fetch(url('/readyz'))).status).to.equal(503);
      ready = true;
      expect((await fetch(url('/readyz'))).status).to.equal(200);
      const body = await (await fetch(url('/metrics'))).text();
      expect(body).to.include('tributary_messages_consumed_total');
      expect((await fetch(url('/nope'))).status).to.equal(404);
    } finally {
      await server.close();
      await metrics.close();
    }
  });
});
