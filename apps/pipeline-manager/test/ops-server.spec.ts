import type { AddressInfo } from 'node:net';
import { createMetrics } from '@tributary/observability';
import { expect } from 'chai';
import { createOpsServer } from '../src/http/server.js';

describe('ops server', () => {
  it('answers /healthz, /readyz by readiness, /metrics and 404', async () => {
    const metrics = createMetrics({ service: 'pipeline-manager-test', collectDefaultMetrics: false });
    let ready = false;
    const server = createOpsServer({ port: 0, ready: () => ready, metrics });
    await server.listen();
    try {
      const port = (server.address() as AddressInfo).port;
      const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`);
      expect((await get('/healthz')).status).to.equal(200);
      expect((await get('/readyz')).status).to.equal(503);
      ready = true;
      expect((await get('/readyz')).status).to.equal(200);
      const m = await get('/metrics');
      expect(m.status).to.equal(200);
      expect(await m.text()).to.contain('tributary_messages_consumed_total');
      expect((await get('/nope')).status).to.equal(404);
    } finally {
      await server.close();
      await metrics.close();
    }
  });
});
