import { expect } from 'chai';
import {
  AlertEvaluator,
  type AlertNotifierOptions,
  type AlertingConfig,
  AlertNotifier,
  type AlertmanagerWebhookPayload,
  type Notification,
  NotificationDispatcher,
  type SlackPayload,
  type WebhookChannel,
} from '../src/index.js';
import { MINUTE, SECOND, T0, capturingLogger, config } from './support/fixtures.js';
import { LocalReceiver } from './support/receiver.js';

const FAST_RETRY: AlertNotifierOptions['retry'] = { retries: 3, initialDelayMs: 5, maxDelayMs: 20 };

function rulesFor(origin: string, extra = ''): AlertingConfig {
  return config(
    `
groups:
  - name: pipelines
    rules:
      - name: LagHigh
        kind: threshold
        series: { metric: lag }
        threshold: { op: '>', value: 100 }
        for: 2m
        annotations: { summary: 'lag of {{ $labels.service }} is {{ $value }}' }
      - name: ServiceDown
        kind: threshold
        series: { metric: up }
        threshold: { op: '==', value: 0 }
        severity: critical
inhibit_rules:
  - { source_matchers: ['alertname="ServiceDown"'], target_matchers: ['alertname="LagHigh"'], equal: [service] }
route: { receiver: hook, group_by: [alertname], group_wait: 30s, group_interval: 1m, repeat_interval: 4h }
receivers:
  - name: hook
    webhook_configs:
      - url: ${origin}/hooks/tributary/t0ps3cret?token=s3cr3t
        headers: { Authorization: 'Bearer s3cr3t-header' }
${extra}`,
    [origin],
  );
}

/** One full pipeline, ticked by hand: evaluator → dispatcher → notifier → a real HTTP receiver. */
class Pipeline {
  readonly evaluator: AlertEvaluator;
  readonly dispatcher: NotificationDispatcher;

  constructor(
    cfg: AlertingConfig,
    readonly notifier: AlertNotifier,
  ) {
    this.evaluator = new AlertEvaluator(cfg.rules);
    this.dispatcher = new NotificationDispatcher(cfg);
  }

  async tick(now: number, samples: { metric: string; service: string; value: number }[] = []) {
    for (const s of samples) this.evaluator.observe({ metric: s.metric, labels: { service: s.service }, value: s.value, time: now });
    const changes = this.evaluator.evaluate(now);
    for (const change of changes) this.dispatcher.receive(change, now);
    return { changes, outcomes: await this.notifier.dispatch(this.dispatcher, now) };
  }
}

describe('notification channels (a real HTTP receiver on 127.0.0.1)', () => {
  let receiver: LocalReceiver;
  let notifier: AlertNotifier | undefined;

  beforeEach(async () => {
    receiver = await LocalReceiver.start();
  });

  afterEach(async () => {
    await notifier?.close();
    notifier = undefined;
    await receiver.close();
  });

  const newNotifier = (options: Partial<AlertNotifierOptions> = {}) => {
    notifier = new AlertNotifier({ allowedDestinations: [receiver.origin], retry: FAST_RETRY, ...options });
    return notifier;
  };

  it('fires a threshold breach after `for`, delivers the webhook payload once, and the resolution once', async () => {
    const pipeline = new Pipeline(rulesFor(receiver.origin), newNotifier({ externalUrl: 'http://tributary.local' }));
    const lag = (value: number) => [{ metric: 'lag', service: 'pm', value }];
    expect((await pipeline.tick(T0, lag(500))).changes.map((c) => c.state)).to.deep.equal(['pending']);
    await pipeline.tick(T0 + MINUTE, lag(600));
    expect(receiver.requests).to.have.length(0);
    const fired = await pipeline.tick(T0 + 2 * MINUTE, lag(700));
    expect(fired.changes.map((c) => c.state)).to.deep.equal(['firing']);
    expect(fired.outcomes).to.deep.equal([]);
    const sent = await pipeline.tick(T0 + 2 * MINUTE + 30 * SECOND, lag(700));
    expect(sent.outcomes.map((o) => [o.ok, o.attempts])).to.deep.equal([[true, 1]]);
    for (let s = 1; s <= 5; s++) await pipeline.tick(T0 + 2 * MINUTE + 30 * SECOND + s * MINUTE, lag(700));
    expect(receiver.requests).to.have.length(1);
    const [request] = receiver.requests;
    expect(request?.method).to.equal('POST');
    expect(request?.url).to.equal('/hooks/tributary/t0ps3cret?token=s3cr3t');
    expect(request?.headers['content-type']).to.equal('application/json');
    expect(request?.headers.authorization).to.equal('Bearer s3cr3t-header');
    const body = request?.body as AlertmanagerWebhookPayload;
    expect(body).to.deep.include({
      version: '4',
      groupKey: '{}:{alertname="LagHigh"}',
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'hook',
      groupLabels: { alertname: 'LagHigh' },
      commonLabels: { alertname: 'LagHigh', service: 'pm', severity: 'warning' },
      commonAnnotations: { summary: 'lag of pm is 700' },
      externalURL: 'http://tributary.local',
    });
    expect(body.alerts).to.deep.equal([
      {
        status: 'firing',
        labels: { alertname: 'LagHigh', service: 'pm', severity: 'warning' },
        annotations: { summary: 'lag of pm is 700' },
        startsAt: new Date(T0).toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://tributary.local',
        fingerprint: fired.changes[0]?.alertId,
      },
    ]);
    const recovered = await pipeline.tick(T0 + 9 * MINUTE, lag(5));
    expect(recovered.changes.map((c) => c.state)).to.deep.equal(['resolved']);
    await pipeline.tick(T0 + 9 * MINUTE + 30 * SECOND);
    await pipeline.tick(T0 + 12 * MINUTE);
    expect(receiver.requests).to.have.length(2);
    const resolved = receiver.requests[1]?.body as AlertmanagerWebhookPayload;
    expect(resolved.status).to.equal('resolved');
    expect(resolved.alerts[0]).to.deep.include({ status: 'resolved', endsAt: new Date(T0 + 9 * MINUTE).toISOString() });
  });

  it('retries after a 500 and delivers on the second request', async () => {
    receiver.answer(500, 200);
    const logger = capturingLogger();
    const pipeline = new Pipeline(rulesFor(receiver.origin), newNotifier({ logger }));
    await pipeline.tick(T0, [{ metric: 'up', service: 'pm', value: 0 }]);
    const { outcomes } = await pipeline.tick(T0 + 30 * SECOND);
    expect(outcomes.map((o) => [o.ok, o.attempts, o.error])).to.deep.equal([[true, 2, null]]);
    expect(receiver.requests).to.have.length(2);
    expect(receiver.requests[1]?.body).to.deep.equal(receiver.requests[0]?.body);
    expect(logger.lines.map((l) => [l.level, l.message])).to.deep.equal([
      ['warn', 'alert notification failed; retrying'],
      ['debug', 'alert notification delivered'],
    ]);
    await pipeline.tick(T0 + 90 * SECOND);
    expect(receiver.requests).to.have.length(2);
  });

  it('does not retry a 400, and decides the notification again at the next flush', async () => {
    receiver.answer(400);
    const pipeline = new Pipeline(rulesFor(receiver.origin), newNotifier());
    await pipeline.tick(T0, [{ metric: 'up', service: 'pm', value: 0 }]);
    const { outcomes } = await pipeline.tick(T0 + 30 * SECOND);
    expect(outcomes[0]).to.deep.include({ ok: false, attempts: 1 });
    expect(outcomes[0]?.error).to.deep.include({ code: 'TRIB_ALERT_DELIVERY_REJECTED', retriable: false });
    expect(outcomes[0]?.error?.message).to.equal(`delivery to ${receiver.origin}/<redacted> answered HTTP 400: "status 400"`);
    expect(receiver.requests).to.have.length(1);
    receiver.answer(200);
    await pipeline.tick(T0 + 90 * SECOND);
    expect(receiver.requests).to.have.length(2);
  });

  it('gives up after the retries, with a retriable error, on a receiver that keeps failing or times out', async () => {
    receiver.answer(503);
    const n = newNotifier({ retry: { retries: 2, initialDelayMs: 1, maxDelayMs: 5 } });
    const cfg = rulesFor(receiver.origin);
    const channel = cfg.receivers.get('hook')?.channels[0] as WebhookChannel;
    const failed = await n.deliver(notificationFor(channel), channel);
    expect(failed).to.deep.include({ ok: false, attempts: 3 });
    expect(failed.error).to.deep.include({ code: 'TRIB_ALERT_DELIVERY_FAILED', retriable: true });
    receiver.answer(200).delay(300);
    const slow = new AlertNotifier({ allowedDestinations: [receiver.origin], timeout: 50, retry: { retries: 1, initialDelayMs: 1 } });
    const timedOut = await slow.deliver(notificationFor(channel), channel);
    await slow.close();
    expect(timedOut).to.deep.include({ ok: false, attempts: 2 });
    expect(timedOut.error?.message).to.equal(`delivery to ${receiver.origin}/<redacted> timed out after 50ms`);
  });

  it('refuses a destination off the allow-list without making any request', async () => {
    const cfg = rulesFor(receiver.origin);
    const logger = capturingLogger();
    const strict = newNotifier({ allowedDestinations: ['https://hooks.slack.com'], logger });
    const pipeline = new Pipeline(cfg, strict);
    await pipeline.tick(T0, [{ metric: 'up', service: 'pm', value: 0 }]);
    const { outcomes } = await pipeline.tick(T0 + 30 * SECOND);
    expect(outcomes[0]).to.deep.include({ ok: false, attempts: 0 });
    expect(outcomes[0]?.error?.code).to.equal('TRIB_ALERT_DESTINATION_REFUSED');
    expect(outcomes[0]?.error?.message).to.equal(`destination ${receiver.origin}/<redacted> is not on the destination allow-list`);
    expect(receiver.requests).to.have.length(0);
    expect(logger.text()).to.not.match(/s3cr3t|t0ps3cret/);
  });

  it('never writes the URL, its token or the headers in logs or errors, even on network errors', async () => {
    const origin = receiver.origin;
    receiver.hangUp();
    const logger = capturingLogger();
    const n = newNotifier({ allowedDestinations: [origin], logger, retry: { retries: 1, initialDelayMs: 1 } });
    const channel = rulesFor(origin).receivers.get('hook')?.channels[0] as WebhookChannel;
    const outcome = await n.deliver(notificationFor(channel), channel);
    expect(outcome.error?.code).to.equal('TRIB_ALERT_DELIVERY_FAILED');
    expect(outcome.error?.message).to.match(/^delivery to http:\/\/127\.0\.0\.1:\d+\/<redacted> failed: fetch failed \(.+\)$/);
    expect(receiver.requests).to.have.length(2);
    const everything = `${logger.text()} ${outcome.error?.message} ${String(outcome.error?.stack)} ${JSON.stringify(causes(outcome.error))}`;
    expect(logger.lines.length).to.be.greaterThan(0);
    expect(everything).to.include(`${origin}/<redacted>`);
    expect(everything).to.not.match(/s3cr3t|t0ps3cret|hooks\/tributary/);
  });

  it('sends silenced and inhibited alerts nowhere', async () => {
    const pipeline = new Pipeline(rulesFor(receiver.origin), newNotifier());
    pipeline.dispatcher.silences.create({ matchers: ['alertname="ServiceDown"'], endsAt: T0 + 60 * MINUTE, createdBy: 'ana', comment: 'planned' }, T0);
    await pipeline.tick(T0, [
      { metric: 'up', service: 'pm', value: 0 },
      { metric: 'lag', service: 'pm', value: 500 },
    ]);
    for (let m = 1; m <= 10; m++) {
      await pipeline.tick(T0 + m * MINUTE, [
        { metric: 'up', service: 'pm', value: 0 },
        { metric: 'lag', service: 'pm', value: 500 },
      ]);
    }
    expect(pipeline.evaluator.stats.firingAlerts).to.equal(2);
    expect(receiver.requests).to.have.length(0);
  });

  it('posts `{ text, blocks }` to a Slack incoming webhook, and writes log channels to the logger', async () => {
    const cfg = config(
      `
route: { receiver: r }
receivers:
  - name: r
    slack_configs: [{ api_url: '${receiver.origin}/services/T1/B1/s3cr3t', max_alerts: 1 }]
    log_configs: [{ level: error }]
`,
      [receiver.origin],
    );
    const logger = capturingLogger();
    const n = newNotifier({ logger });
    const [slack, log] = cfg.receivers.get('r')?.channels ?? [];
    const notification = notificationFor(slack as WebhookChannel, 2);
    expect((await n.deliver(notification, slack as WebhookChannel)).ok).to.equal(true);
    const body = receiver.requests[0]?.body as SlackPayload;
    expect(body.text).to.equal('[FIRING:2] LagHigh');
    expect(body.blocks.map((b) => b.type)).to.deep.equal(['section', 'section', 'context']);
    expect(body.blocks[1]?.text?.text).to.equal('*Firing* (warning): lag &lt;high&gt; on pm0\n`service=pm0`');
    expect(body.blocks[2]?.elements?.[0]?.text).to.equal('…and 1 more');
    expect((await n.deliver(notification, log as never)).ok).to.equal(true);
    expect(logger.lines.at(-1)).to.deep.include({ level: 'error', message: 'alert notification [FIRING:2] LagHigh' });
  });

  it('abandons retries when closed', async () => {
    receiver.answer(500);
    const n = new AlertNotifier({ allowedDestinations: [receiver.origin], retry: { retries: 5, initialDelayMs: 10_000 } });
    const channel = rulesFor(receiver.origin).receivers.get('hook')?.channels[0] as WebhookChannel;
    const pending = n.deliver(notificationFor(channel), channel);
    while (receiver.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    await n.close();
    const outcome = await pending;
    expect(outcome.error?.code).to.equal('TRIB_ALERT_CLOSED');
    expect((await n.deliver(notificationFor(channel), channel)).error?.code).to.equal('TRIB_ALERT_CLOSED');
  });
});

function causes(error: unknown): string[] {
  const out: string[] = [];
  for (let e = error; e instanceof Error; e = e.cause) out.push(`${e.name}: ${e.message} ${String(e.stack)}`);
  return out;
}

function notificationFor(channel: { key: string; type: 'webhook' | 'slack' | 'log' }, count = 1): Notification {
  const alerts = Array.from({ length: count }, (_, i) => ({
    fingerprint: `f${i}`,
    alertName: 'LagHigh',
    status: 'firing' as const,
    severity: 'warning' as const,
    labels: { alertname: 'LagHigh', service: `pm${i}`, severity: 'warning' },
    annotations: { summary: `lag <high> on pm${i}` },
    value: 1,
    startsAt: T0,
    endsAt: null,
    acknowledgement: null,
  }));
  return {
    id: `n-${channel.key}`,
    groupKey: '{}:{alertname="LagHigh"}',
    receiver: 'r',
    channelKey: channel.key,
    channelType: channel.type,
    status: 'firing',
    reason: 'first_notification',
    groupLabels: { alertname: 'LagHigh' },
    commonLabels: { alertname: 'LagHigh', severity: 'warning' },
    commonAnnotations: {},
    alerts,
    createdAt: T0,
    knownFiring: alerts.map((a) => a.fingerprint),
  };
}
