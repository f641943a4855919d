import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseAlertingConfig } from '@tributary/alerting';
import { uniqueName, waitFor } from '@tributary/testing';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { createMonitoringManager } from '../src/manager.js';
import { fastRedis, Stack } from './helpers.js';

interface Received {
  status: number;
  body: { status: string; groupLabels: Record<string, string>; alerts: { status: string; labels: Record<string, string> }[] };
}

/** A webhook receiver on 127.0.0.1 that answers 500 to its first request and 200 after. */
async function receiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      const status = received.length === 0 ? 500 : 200;
      received.push({ status, body: JSON.parse(text) as Received['body'] });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe('alerting in the monitoring manager, on the real stack', () => {
  const stack = new Stack();
  let redis: Redis;
  let hook: Awaited<ReturnType<typeof receiver>>;

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(stack.logLines.slice(-30).join(''));
  });
  before(async () => {
    await stack.start();
    redis = await fastRedis(stack.config.redis.url);
    hook = await receiver();
  });
  after(async () => {
    await stack.close();
    redis.disconnect();
    hook.server.close();
  });

  it('fires a threshold breach after its `for`, notifies the webhook once (again after a 500), resolves on recovery; a silent service is DOWN and alerted; a silenced alert sends nothing', async function () {
    this.timeout(120_000);
    const service = uniqueName('svc').toLowerCase();
    const quiet = uniqueName('quiet').toLowerCase();
    const rules = `
groups:
  - name: test
    rules:
      - name: QueueDeep
        kind: threshold
        series: { metric: tributary_test_queue_depth, matchers: ['service=~"${service}|${quiet}"'] }
        threshold: { op: '>', value: 100 }
        for: 2s
        severity: warning
        annotations: { summary: 'queue of {{ $labels.service }} is {{ $value }}' }
      - name: ServiceDown
        kind: absent
        series: { metric: tributary_heartbeat, matchers: ['service="${service}"'] }
        absent: { window: 2s }
        for: 0s
        severity: critical
route:
  receiver: hook
  group_by: [alertname, service]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: ${hook.url}/hook
`;
    const allowedDestinations = [hook.url];
    const manager = createMonitoringManager({
      kafka: stack.kafka,
      registry: stack.registry,
      redis,
      topicPrefix: stack.prefix,
      instanceId: uniqueName('mm-alerts'),
      logger: stack.logger,
      options: { tickMs: 200, heartbeatTimeoutMs: 2_000, sessionTimeoutMs: 10_000 },
      alerting: { config: parseAlertingConfig(rules, { allowedDestinations }), allowedDestinations },
    });
    try {
      await manager.start();
      await waitFor(() => manager.ready, { what: 'the manager to join' });
      const alerts = await stack.read(stack.topics.alerts);
      const of = (name: string, svc: string) => alerts.filter((a) => a.value.alertName === name && (a.value.labels as Record<string, string>).service === svc).map((a) => a.value.state);
      // The quiet service's alert is silenced before it fires: it is published, never notified.
      manager.alerting!.dispatcher.silences.create({ matchers: [`service="${quiet}"`], startsAt: Date.now(), endsAt: Date.now() + 3_600_000, createdBy: 'test', comment: 'maintenance' }, Date.now());

      const depth = (svc: string, value: number) => ({ service: svc, instance: `${svc}-0`, metric: 'tributary_test_queue_depth', kind: 'gauge', labels: {}, value, count: null, buckets: [], observedAt: Date.now() });
      const send = async (values: Record<string, number>, beat: boolean) => {
        await stack.snapshots(Object.entries(values).map(([svc, v]) => depth(svc, v)));
        if (beat) await stack.heartbeat(service, `${service}-0`, Date.now());
      };
      for (let i = 0; i < 16; i++) {
        await send({ [service]: 500, [quiet]: 500 }, true);
        await new Promise((r) => setTimeout(r, 250));
      }
      await waitFor(() => of('QueueDeep', service).includes('firing') && of('QueueDeep', quiet).includes('firing'), { what: 'both alerts firing', timeoutMs: 20_000 });
      expect(of('QueueDeep', service).slice(0, 2)).to.deep.equal(['pending', 'firing']);
      await waitFor(() => hook.received.filter((r) => r.status === 200).length >= 1, { what: 'the firing notification delivered', timeoutMs: 20_000 });

      // Recovery, still beating: resolved.
      for (let i = 0; i < 8; i++) {
        await send({ [service]: 5, [quiet]: 5 }, true);
        await new Promise((r) => setTimeout(r, 250));
      }
      await waitFor(() => of('QueueDeep', service).includes('resolved'), { what: 'resolved', timeoutMs: 20_000 });
      await waitFor(() => hook.received.some((r) => r.status === 200 && r.body.status === 'resolved'), { what: 'the resolved notification', timeoutMs: 20_000 });

      // The service stops beating: DOWN, and alerted.
      await waitFor(() => of('ServiceDown', service).includes('firing'), { what: 'ServiceDown firing', timeoutMs: 20_000 });
      await waitFor(() => hook.received.some((r) => r.body.groupLabels.alertname === 'ServiceDown'), { what: 'ServiceDown notified', timeoutMs: 20_000 });
      await new Promise((r) => setTimeout(r, 1_500)); // a repeat would show now

      const queue = hook.received.filter((r) => r.body.groupLabels.alertname === 'QueueDeep');
      // The first delivery met a 500 and was retried: two requests with the firing alert, then one resolved.
      expect(queue.map((r) => [r.status, r.body.status])).to.deep.equal([
        [500, 'firing'],
        [200, 'firing'],
        [200, 'resolved'],
      ]);
      expect(queue.flatMap((r) => r.body.alerts.map((a) => a.labels.service))).to.not.include(quiet);
      expect(hook.received.filter((r) => r.body.groupLabels.alertname === 'ServiceDown').map((r) => r.status)).to.deep.equal([200]);
    } finally {
      await manager.close();
    }
  });
});
