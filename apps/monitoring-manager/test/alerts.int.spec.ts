import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseAlertingConfig } from '@tributary/alerting';
import { uniqueName, waitFor } from '@tributary/testing';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { createMonitoringManager, type MonitoringManager } from '../src/manager.js';
import { MonitoringEventNames } from '../src/names.js';
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

      const depth = (svc: string, value: number) => ({ service: svc, instance: `${svc}-0`, metric: 'tributary_test_queue_depth', kind: 'gauge' as const, labels: {}, value, count: null, buckets: [], observedAt: Date.now() });
      const send = async (values: Record<string, number>, beat: boolean) => {
        await stack.report(Object.entries(values).map(([svc, v]) => depth(svc, v)));
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

  it('changes alert rules, silences and acknowledgements through commands: invalid files and version conflicts refused, every instance applies them, a restart keeps them', async function () {
    this.timeout(120_000);
    const service = uniqueName('ctl').toLowerCase();
    const rulesAbove = (value: number) => `
groups:
  - name: control
    rules:
      - name: QueueDeep
        kind: threshold
        series: { metric: tributary_test_queue_depth, matchers: ['service="${service}"'] }
        threshold: { op: '>', value: ${value} }
        for: 0s
        severity: warning
route:
  receiver: log
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: log
    log_configs: [{ level: info }]
`;
    const start = async (): Promise<MonitoringManager> => {
      const manager = createMonitoringManager({
        kafka: stack.kafka,
        registry: stack.registry,
        redis,
        topicPrefix: stack.prefix,
        instanceId: uniqueName('mm-control'),
        logger: stack.logger,
        options: { tickMs: 200, sessionTimeoutMs: 10_000 },
        alerting: { config: parseAlertingConfig(rulesAbove(100), { allowedDestinations: [] }), allowedDestinations: [] },
      });
      await manager.start();
      await waitFor(() => manager.ready, { what: 'the manager to join' });
      return manager;
    };
    const command = (type: string, key: string, value: Record<string, unknown>) =>
      stack.publisher.publish(stack.topics.commands, `tributary.monitoring.${type}`, { ...value, requestedBy: 'ana', requestedAt: Date.now() }, { key, priority: 'normal' });
    const depth = (value: number) => ({ service, instance: `${service}-0`, metric: 'tributary_test_queue_depth', kind: 'gauge' as const, labels: {}, value, count: null, buckets: [], observedAt: Date.now() });

    const first = await start();
    const events = await stack.read(stack.topics.events);
    const alerts = await stack.read(stack.topics.alerts);
    const of = (type: string) => events.filter((e) => e.type === `tributary.monitoring.${type}`).map((e) => e.value);
    const firing = () => alerts.filter((a) => a.value.alertName === 'QueueDeep' && (a.value.labels as Record<string, string>).service === service && a.value.state === 'firing');

    await command('PutAlertRules', 'alert-rules', { rules: 'groups: [{ name: x, rules: [{ name: Bad, kind: threshold }] }]', expectedVersion: null });
    await command('PutAlertRules', 'alert-rules', { rules: rulesAbove(1000), expectedVersion: 0 });
    await command('PutAlertRules', 'alert-rules', { rules: rulesAbove(5), expectedVersion: 0 });
    await waitFor(() => of('MonitoringCommandRejected').length >= 2 && of('AlertRulesChanged').length >= 1, { what: 'the rule commands answered' });
    const rejected = of('MonitoringCommandRejected');
    expect(rejected.map((r) => r.code)).to.deep.equal(['TRIB_ALERT_RULES_INVALID', 'TRIB_VERSION_CONFLICT']);
    expect((JSON.parse(String(rejected[0]!.details)) as { issues: unknown[] }).issues.length).to.be.greaterThan(0);
    expect(of('AlertRulesChanged').map((c) => [c.version, c.ruleNames, c.changedBy])).to.deep.equal([[1, ['QueueDeep'], 'ana']]);
    await waitFor(() => first.control?.rulesVersion === 1, { what: 'version 1 in force' });

    // Judged by the new threshold: 500 no longer alerts, 5,000 does.
    for (let i = 0; i < 6; i++) {
      await stack.report([depth(500)]);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(firing()).to.deep.equal([]);
    await stack.report([depth(5_000)]);
    const alertId = String((await waitFor(() => firing()[0], { what: 'QueueDeep firing above 1,000' })).value.alertId);

    await command('AcknowledgeAlert', alertId, { alertId, note: 'on it' });
    await command('CreateSilence', 'silence-1', { silenceId: 'silence-1', matchers: [`service="${service}"`], startsAt: Date.now(), endsAt: Date.now() + 3_600_000, comment: 'maintenance' });
    await command('CreateSilence', 'silence-2', { silenceId: 'silence-2', matchers: ['service=~".*"'], startsAt: Date.now(), endsAt: Date.now() + 3_600_000, comment: 'mute everything' });
    await command('ExpireSilence', 'nope', { silenceId: 'nope' });
    await waitFor(() => of('MonitoringCommandRejected').length >= 4 && of('SilenceCreated').length >= 1 && of('AlertAcknowledged').length >= 1, { what: 'the other commands answered' });
    // Different subjects are in different partitions: answered in any order.
    expect(of('MonitoringCommandRejected').slice(2).map((r) => [r.subject, r.code]).sort()).to.deep.equal([
      ['nope', 'TRIB_SILENCE_NOT_FOUND'],
      ['silence-2', 'TRIB_ALERT_SILENCE_INVALID'],
    ]);
    const status = () => first.alerting!.dispatcher.alerts(Date.now()).find((a) => a.fingerprint === alertId);
    await waitFor(() => status()?.acknowledgement?.by === 'ana' && status()?.silencedBy.includes('silence-1'), { what: 'acknowledgement and silence applied' });
    expect(status()?.acknowledgement?.note).to.equal('on it');

    // A restart reads them back from Kafka.
    await first.close();
    const second = await start();
    try {
      expect(second.control?.rulesVersion).to.equal(1);
      expect(second.alerting!.dispatcher.silences.list(Date.now()).map((x) => [x.id, x.state])).to.deep.equal([['silence-1', 'active']]);
      await command('ExpireSilence', 'silence-1', { silenceId: 'silence-1' });
      await waitFor(() => of('SilenceExpired').length >= 1, { what: 'the silence expired' });
      await waitFor(() => second.alerting!.dispatcher.silences.get('silence-1', Date.now())?.state === 'expired', { what: 'expiry applied' });
      expect(events.filter((e) => e.type === MonitoringEventNames.silenceExpired).map((e) => e.key)).to.deep.equal(['silence-1']);
    } finally {
      await second.close();
    }
  });

  it('keeps its alerting state across a restart: a firing alert goes on firing, with no second pending/firing', async function () {
    this.timeout(120_000);
    // A prefix of its own: the rule file another test put (AlertRulesChanged) would replace this test's rules.
    const stack = new Stack();
    await stack.start();
    try {
      const service = uniqueName('steady').toLowerCase();
      const rules = `
groups:
  - name: restart
    rules:
      - name: QueueDeep
        kind: threshold
        series: { metric: tributary_test_queue_depth, matchers: ['service="${service}"'] }
        threshold: { op: '>', value: 100 }
        for: 1s
        severity: warning
`;
      const instanceId = uniqueName('mm-restart');
      const start = async (): Promise<MonitoringManager> => {
        const manager = createMonitoringManager({
          kafka: stack.kafka,
          registry: stack.registry,
          redis,
          topicPrefix: stack.prefix,
          instanceId,
          logger: stack.logger,
          options: { tickMs: 200, sessionTimeoutMs: 10_000 },
          alerting: { config: parseAlertingConfig(rules, { allowedDestinations: [] }), allowedDestinations: [] },
        });
        await manager.start();
        await waitFor(() => manager.ready, { what: 'the manager to join' });
        return manager;
      };
      const alerts = await stack.read(stack.topics.alerts);
      const states = () => alerts.filter((a) => (a.value.labels as Record<string, string>).service === service).map((a) => a.value.state);
      const depth = () => ({ service, instance: `${service}-0`, metric: 'tributary_test_queue_depth', kind: 'gauge' as const, labels: {}, value: 500, count: null, buckets: [], observedAt: Date.now() });
      const feed = async (ms: number) => {
        for (const end = Date.now() + ms; Date.now() < end; ) {
          await stack.report([depth()]);
          await new Promise((r) => setTimeout(r, 200));
        }
      };

      const first = await start();
      await feed(2_500);
      await waitFor(() => states().includes('firing'), { what: 'firing' });
      await first.close();
      const second = await start();
      try {
        expect(second.alerting!.evaluator.activeAlerts().map((a) => a.state)).to.deep.equal(['firing']);
        await feed(2_500);
        await new Promise((r) => setTimeout(r, 1_000));
        expect(states()).to.deep.equal(['pending', 'firing']);
      } finally {
        await second.close();
      }
    } finally {
      await stack.close();
    }
  });
});
