import { expect } from 'chai';
import { type AlertStateChange, type Labels, type Notification, NotificationDispatcher, fingerprint } from '../src/index.js';
import { MINUTE, SECOND, T0, attempt, config } from './support/fixtures.js';

const CONFIG = config(`
inhibit_rules:
  - source_matchers: ['alertname="ServiceDown"']
    target_matchers: ['alertname="LagHigh"']
    equal: [service]
route:
  receiver: team
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 1h
  routes:
    - matchers: ['severity="critical"']
      receiver: pager
      group_by: [alertname, service]
      continue: true
    - matchers: ['team="db"']
      receiver: db
receivers:
  - name: team
    log_configs: [{}]
  - name: pager
    log_configs: [{ send_resolved: false }]
  - name: db
    log_configs: [{}, { level: error }]
`);

function alert(name: string, labels: Labels, severity: 'warning' | 'critical' = 'warning'): { alertId: string; labels: Labels; name: string; severity: typeof severity } {
  const full = { alertname: name, severity, ...labels };
  return { alertId: fingerprint(full), labels: full, name, severity };
}

function firing(a: ReturnType<typeof alert>, at: number, activeSince = at): AlertStateChange {
  return {
    alertId: a.alertId,
    alertName: a.name,
    state: 'firing',
    previousState: 'pending',
    severity: a.severity,
    labels: { ...a.labels },
    annotations: { summary: `${a.name} on ${a.labels.service ?? '?'}` },
    value: 1,
    activeSince,
    changedAt: at,
  };
}

function resolved(a: ReturnType<typeof alert>, at: number): AlertStateChange {
  return { ...firing(a, at), state: 'resolved', previousState: 'firing', activeSince: null, value: 0 };
}

const LAG_PM = alert('LagHigh', { service: 'pm' });
const LAG_CPM = alert('LagHigh', { service: 'cpm' });
const LAG_QM = alert('LagHigh', { service: 'qm' });
const DOWN_PM = alert('ServiceDown', { service: 'pm' }, 'critical');

type Summary = [string, string, string, string[]];
const summarise = (n: Notification): Summary => [n.receiver, n.reason, n.status, n.alerts.map((a) => `${a.status}:${a.labels.service ?? ''}`)];

/** Flushes at `now` and reports every notification delivered. */
function tick(dispatcher: NotificationDispatcher, now: number): Summary[] {
  const notifications = dispatcher.flush(now);
  for (const n of notifications) dispatcher.delivered(n, now);
  return notifications.map(summarise);
}

describe('NotificationDispatcher', () => {
  describe('grouping and timing', () => {
    it('waits group_wait to batch a new group, then sends new alerts every group_interval, each once', () => {
      const d = new NotificationDispatcher(CONFIG);
      d.receive(firing(LAG_PM, T0));
      d.receive(firing(LAG_CPM, T0 + 10 * SECOND));
      expect(d.nextFlushAt()).to.equal(T0 + 30 * SECOND);
      expect(tick(d, T0 + 29 * SECOND)).to.deep.equal([]);
      const [first] = d.flush(T0 + 30 * SECOND);
      expect(first && summarise(first)).to.deep.equal(['team', 'first_notification', 'firing', ['firing:cpm', 'firing:pm']]);
      expect(first).to.deep.include({ groupKey: '{}:{alertname="LagHigh"}', channelKey: 'team/log/0', groupLabels: { alertname: 'LagHigh' } });
      expect(first?.commonLabels).to.deep.equal({ alertname: 'LagHigh', severity: 'warning' });
      d.delivered(first as Notification, T0 + 30 * SECOND);
      d.receive(firing(LAG_QM, T0 + MINUTE));
      expect(tick(d, T0 + 2 * MINUTE)).to.deep.equal([]);
      expect(tick(d, T0 + 5 * MINUTE + 30 * SECOND)).to.deep.equal([['team', 'new_alerts', 'firing', ['firing:cpm', 'firing:pm', 'firing:qm']]]);
      expect(tick(d, T0 + 10 * MINUTE + 30 * SECOND)).to.deep.equal([]);
    });

    it('repeats after repeat_interval, at the next group_interval flush', () => {
      const d = new NotificationDispatcher(CONFIG);
      d.receive(firing(LAG_PM, T0));
      expect(tick(d, T0 + 30 * SECOND)).to.have.length(1);
      for (let k = 1; k < 12; k++) expect(tick(d, T0 + 30 * SECOND + k * 5 * MINUTE), `flush ${k}`).to.deep.equal([]);
      expect(tick(d, T0 + 30 * SECOND + 60 * MINUTE)).to.deep.equal([['team', 'repeat_interval', 'firing', ['firing:pm']]]);
    });

    it('sends resolved alerts the receiver was told about, then forgets the group', () => {
      const d = new NotificationDispatcher(CONFIG);
      d.receive(firing(LAG_PM, T0));
      d.receive(firing(LAG_CPM, T0));
      tick(d, T0 + 30 * SECOND);
      d.receive(resolved(LAG_PM, T0 + MINUTE));
      expect(tick(d, T0 + 5 * MINUTE + 30 * SECOND)).to.deep.equal([['team', 'resolved_alerts', 'firing', ['firing:cpm', 'resolved:pm']]]);
      d.receive(resolved(LAG_CPM, T0 + 6 * MINUTE));
      expect(tick(d, T0 + 10 * MINUTE + 30 * SECOND)).to.deep.equal([['team', 'all_resolved', 'resolved', ['resolved:cpm']]]);
      expect(d.nextFlushAt()).to.equal(undefined);
      expect(d.alerts(T0 + 11 * MINUTE)).to.deep.equal([]);
    });

    it('never tells about an alert that fired and resolved before it was notified, nor about pending alerts', () => {
      const d = new NotificationDispatcher(CONFIG);
      d.receive({ ...firing(LAG_QM, T0), state: 'pending', previousState: null });
      d.receive(firing(LAG_PM, T0));
      d.receive(resolved(LAG_PM, T0 + 10 * SECOND));
      d.receive({ ...resolved(LAG_QM, T0 + 10 * SECOND), previousState: 'pending' });
      expect(tick(d, T0 + 30 * SECOND)).to.deep.equal([]);
      expect(d.nextFlushAt()).to.equal(undefined);
    });

    it('routes by matchers (first match, unless continue) and groups by the route’s group_by', () => {
      const d = new NotificationDispatcher(CONFIG);
      d.receive(firing(DOWN_PM, T0));
      d.receive(firing(alert('ServiceDown', { service: 'cpm' }, 'critical'), T0));
      d.receive(firing(alert('SlowQueries', { service: 'pg', team: 'db' }), T0));
      const sent = d.flush(T0 + 30 * SECOND);
      expect(sent.map((n) => [n.channelKey, n.groupKey, n.alerts.length])).to.deep.equal([
        ['pager/log/0', '{}/{severity="critical"}:{alertname="ServiceDown",service="cpm"}', 1],
        ['pager/log/0', '{}/{severity="critical"}:{alertname="ServiceDown",service="pm"}', 1],
        ['db/log/0', '{}/{team="db"}:{alertname="SlowQueries"}', 1],
        ['db/log/1', '{}/{team="db"}:{alertname="SlowQueries"}', 1],
      ]);
    });

    it('does not send resolved alerts to a channel with send_resolved: false', () => {
      const d = new NotificationDispatcher(CONFIG);
      d.receive(firing(DOWN_PM, T0));
      expect(tick(d, T0 + 30 * SECOND)).to.have.length(1);
      d.receive(resolved(DOWN_PM, T0 + MINUTE));
      expect(tick(d, T0 + 5 * MINUTE + 30 * SECOND)).to.deep.equal([]);
      expect(d.nextFlushAt()).to.equal(undefined);
    });

    it('ignores a transition received twice', () => {
      const d = new NotificationDispatcher(CONFIG);
      d.receive(firing(LAG_PM, T0));
      tick(d, T0 + 30 * SECOND);
      d.receive(firing(LAG_PM, T0));
      expect(tick(d, T0 + 5 * MINUTE + 30 * SECOND)).to.deep.equal([]);
    });

    it('decides a failed notification again at the next flush, not before', () => {
      const d = new NotificationDispatcher(CONFIG);
      d.receive(firing(LAG_PM, T0));
      const [first] = d.flush(T0 + 30 * SECOND);
      expect(d.flush(T0 + 31 * SECOND)).to.deep.equal([]);
      d.failed(first as Notification);
      expect(tick(d, T0 + 2 * MINUTE)).to.deep.equal([]);
      expect(tick(d, T0 + 5 * MINUTE + 30 * SECOND)).to.deep.equal([['team', 'first_notification', 'firing', ['firing:pm']]]);
    });
  });

  describe('silences', () => {
    it('mutes matching alerts while active (=, !=, =~, !~), and notifies them once it ends', () => {
      const d = new NotificationDispatcher(CONFIG, { silences: { newId: () => 'silence-1' } });
      const silence = d.silences.create(
        { matchers: ['alertname="LagHigh"', 'service=~"p.*|cpm"', 'service!="cpm"', 'severity!~"crit.*"'], endsAt: T0 + 20 * MINUTE, createdBy: 'ana', comment: 'deploy' },
        T0,
      );
      expect(silence).to.deep.include({ id: 'silence-1', state: 'active', startsAt: T0 });
      d.receive(firing(LAG_PM, T0));
      d.receive(firing(LAG_CPM, T0));
      expect(tick(d, T0 + 30 * SECOND)).to.deep.equal([['team', 'first_notification', 'firing', ['firing:cpm']]]);
      const status = d.alerts(T0 + MINUTE).find((a) => a.labels.service === 'pm');
      expect(status).to.deep.include({ state: 'suppressed', silencedBy: ['silence-1'], inhibitedBy: [] });
      expect(tick(d, T0 + 15 * MINUTE + 30 * SECOND)).to.deep.equal([]);
      expect(tick(d, T0 + 20 * MINUTE + 30 * SECOND)).to.deep.equal([['team', 'new_alerts', 'firing', ['firing:cpm', 'firing:pm']]]);
    });

    it('sends nothing at all for a group whose alerts are all silenced', () => {
      const d = new NotificationDispatcher(CONFIG);
      d.silences.create({ matchers: ['alertname="LagHigh"'], endsAt: T0 + 2 * 60 * MINUTE, createdBy: 'ana', comment: 'known issue' }, T0);
      d.receive(firing(LAG_PM, T0));
      for (let k = 0; k < 20; k++) expect(d.flush(T0 + 30 * SECOND + k * 5 * MINUTE)).to.deep.equal([]);
      d.receive(resolved(LAG_PM, T0 + 99 * MINUTE));
      expect(d.flush(T0 + 100 * MINUTE + 30 * SECOND)).to.deep.equal([]);
    });

    it('forgets what a channel knew once the alert is silenced, so an expired silence brings it back', () => {
      const d = new NotificationDispatcher(CONFIG);
      d.receive(firing(LAG_PM, T0));
      tick(d, T0 + 30 * SECOND);
      const { id } = d.silences.create({ matchers: ['service="pm"'], startsAt: T0 + MINUTE, endsAt: T0 + 60 * MINUTE, createdBy: 'ana', comment: 'maintenance' }, T0);
      expect(d.silences.get(id, T0)?.state).to.equal('pending');
      expect(tick(d, T0 + 5 * MINUTE + 30 * SECOND)).to.deep.equal([]);
      expect(d.silences.expire(id, T0 + 6 * MINUTE)).to.deep.include({ state: 'expired', endsAt: T0 + 6 * MINUTE });
      expect(tick(d, T0 + 10 * MINUTE + 30 * SECOND)).to.deep.equal([['team', 'first_notification', 'firing', ['firing:pm']]]);
    });
  });

  describe('inhibition', () => {
    it('mutes a child alert while its parent fires with the same `equal` labels, and lets it through after', () => {
      const d = new NotificationDispatcher(CONFIG);
      d.receive(firing(DOWN_PM, T0));
      d.receive(firing(LAG_PM, T0));
      d.receive(firing(LAG_CPM, T0));
      expect(tick(d, T0 + 30 * SECOND)).to.deep.equal([
        ['pager', 'first_notification', 'firing', ['firing:pm']],
        ['team', 'first_notification', 'firing', ['firing:cpm']],
      ]);
      const lagPm = d.alerts(T0 + MINUTE).find((a) => a.fingerprint === LAG_PM.alertId);
      expect(lagPm).to.deep.include({ state: 'suppressed', inhibitedBy: [DOWN_PM.alertId], silencedBy: [] });
      d.receive(resolved(DOWN_PM, T0 + 2 * MINUTE));
      expect(tick(d, T0 + 5 * MINUTE + 30 * SECOND)).to.deep.equal([['team', 'new_alerts', 'firing', ['firing:cpm', 'firing:pm']]]);
    });

    it('never lets alerts that match both sides inhibit each other', () => {
      const both = config(`
inhibit_rules:
  - { source_matchers: ['severity="critical"'], target_matchers: ['severity=~"warning|critical"'] }
route: { receiver: r, group_wait: 0s }
receivers: [{ name: r, log_configs: [{}] }]
`);
      const d = new NotificationDispatcher(both);
      d.receive(firing(DOWN_PM, T0));
      d.receive(firing(alert('ServiceDown', { service: 'cpm' }, 'critical'), T0));
      d.receive(firing(LAG_PM, T0));
      expect(tick(d, T0)).to.deep.equal([['r', 'first_notification', 'firing', ['firing:cpm', 'firing:pm']]]);
      expect(d.flush(T0)).to.deep.equal([]);
    });
  });

  describe('acknowledgements', () => {
    it('stops repeats of an acknowledged alert until it resolves and fires again', () => {
      const d = new NotificationDispatcher(CONFIG);
      d.receive(firing(LAG_PM, T0));
      tick(d, T0 + 30 * SECOND);
      const ack = d.acknowledge(LAG_PM.alertId, { by: 'ana', note: 'looking into it' }, T0 + MINUTE);
      expect(ack).to.deep.equal({ alertId: LAG_PM.alertId, by: 'ana', note: 'looking into it', at: T0 + MINUTE, startsAt: T0 });
      expect(tick(d, T0 + 30 * SECOND + 60 * MINUTE)).to.deep.equal([]);
      expect(tick(d, T0 + 30 * SECOND + 180 * MINUTE)).to.deep.equal([]);
      d.receive(firing(LAG_CPM, T0 + 181 * MINUTE));
      const [withNew] = d.flush(T0 + 30 * SECOND + 185 * MINUTE);
      expect(withNew && summarise(withNew)).to.deep.equal(['team', 'new_alerts', 'firing', ['firing:cpm', 'firing:pm']]);
      expect(withNew?.alerts.find((a) => a.labels.service === 'pm')?.acknowledgement).to.deep.include({ by: 'ana', note: 'looking into it' });
      d.delivered(withNew as Notification, T0 + 30 * SECOND + 185 * MINUTE);
      expect(tick(d, T0 + 30 * SECOND + 245 * MINUTE)).to.deep.equal([['team', 'repeat_interval', 'firing', ['firing:cpm']]]);
      d.receive(resolved(LAG_PM, T0 + 246 * MINUTE));
      d.receive(firing(LAG_PM, T0 + 247 * MINUTE));
      expect(d.alerts(T0 + 247 * MINUTE).find((a) => a.fingerprint === LAG_PM.alertId)?.acknowledgement).to.equal(null);
    });

    it('refuses to acknowledge an alert that is not firing, or without saying who', () => {
      const d = new NotificationDispatcher(CONFIG);
      expect(attempt(() => d.acknowledge('nope', { by: 'ana' }, T0)).code).to.equal('TRIB_ALERT_NOT_FOUND');
      d.receive(firing(LAG_PM, T0));
      expect(attempt(() => d.acknowledge(LAG_PM.alertId, { by: ' ' }, T0)).code).to.equal('TRIB_ALERT_ACKNOWLEDGEMENT_INVALID');
    });
  });

  describe('state', () => {
    it('resumes from a JSON snapshot without re-sending, with its silences and acknowledgements', () => {
      const before = new NotificationDispatcher(CONFIG);
      before.receive(firing(LAG_PM, T0));
      before.receive(firing(LAG_CPM, T0));
      tick(before, T0 + 30 * SECOND);
      before.silences.create({ matchers: ['service="cpm"'], endsAt: T0 + 600 * MINUTE, createdBy: 'ana', comment: 'noisy' }, T0 + MINUTE);
      before.acknowledge(LAG_PM.alertId, { by: 'bo' }, T0 + MINUTE);
      const after = new NotificationDispatcher(CONFIG);
      after.restore(JSON.parse(JSON.stringify(before.snapshot())), T0 + 2 * MINUTE);
      expect(after.nextFlushAt()).to.equal(T0 + 5 * MINUTE + 30 * SECOND);
      expect(tick(after, T0 + 5 * MINUTE + 30 * SECOND)).to.deep.equal([]);
      expect(tick(after, T0 + 30 * SECOND + 60 * MINUTE)).to.deep.equal([]);
      expect(after.silences.list(T0 + 2 * MINUTE)).to.have.length(1);
      expect(attempt(() => after.restore({ version: 1 }, T0)).code).to.equal('TRIB_ALERT_SNAPSHOT_INVALID');
    });

    it('keeps timers and notification logs of groups that survive a new rule file', () => {
      const d = new NotificationDispatcher(CONFIG);
      d.receive(firing(LAG_PM, T0));
      tick(d, T0 + 30 * SECOND);
      d.setConfig(config(CONFIG_TEXT_WITH_ONE_MORE_RECEIVER), T0 + MINUTE);
      expect(tick(d, T0 + 5 * MINUTE + 30 * SECOND)).to.deep.equal([]);
    });
  });
});

const CONFIG_TEXT_WITH_ONE_MORE_RECEIVER = `
route: { receiver: team, group_by: [alertname], group_wait: 30s, group_interval: 5m, repeat_interval: 1h }
receivers:
  - name: team
    log_configs: [{}]
  - name: spare
`;
