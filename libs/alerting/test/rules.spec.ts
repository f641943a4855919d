import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import {
  type AlertingIssue,
  DestinationAllowList,
  alertingRuleFileJsonSchema,
  formatDuration,
  loadAlertingConfig,
  parseAlertingConfig,
  parseDuration,
} from '../src/index.js';
import { attempt } from './support/fixtures.js';

const EXAMPLE = readFileSync(new URL('./support/example-rules.yaml', import.meta.url), 'utf8');
const ALLOWED = ['https://hooks.slack.com', 'https://alerts.example.com/tributary/'];

function issuesOf(text: string, allowed: readonly string[] = ALLOWED): AlertingIssue[] {
  const error = attempt(() => parseAlertingConfig(text, { allowedDestinations: allowed }));
  expect(error.code).to.equal('TRIB_ALERT_RULES_INVALID');
  expect(error.retriable).to.equal(false);
  return [...error.issues];
}

const rule = (body: string) => `groups:\n  - name: g\n    rules:\n${body}`;

describe('alert rule files', () => {
  it('parses the documented example into rules, inhibit rules, a routing tree and receivers', () => {
    const config = parseAlertingConfig(EXAMPLE, { allowedDestinations: ALLOWED });
    expect(config.rules.map((r) => [r.name, r.kind, r.group, r.severity, r.forMs])).to.deep.equal([
      ['ConsumerLagHigh', 'threshold', 'pipelines', 'warning', 120_000],
      ['IngestRateDropped', 'rate_of_change', 'pipelines', 'warning', 300_000],
      ['QualityScoreAnomaly', 'anomaly', 'pipelines', 'info', 600_000],
      ['ServiceDown', 'absent', 'services', 'critical', 30_000],
    ]);
    const lag = config.rules[0];
    expect(lag?.labels).to.deep.equal({ team: 'data' });
    expect(lag?.keepFiringForMs).to.equal(60_000);
    expect(lag?.selector.matchers[0]?.matches({ pipelineId: 'orders-eu' })).to.equal(true);
    expect(lag?.selector.matchers[0]?.matches({ pipelineId: 'xorders-eu' })).to.equal(false);
    const rate = config.rules[1];
    expect(rate?.kind === 'rate_of_change' && rate.rateOfChange).to.deep.equal({ windowMs: 600_000, perMs: 600_000, unit: 'percent', op: '<', value: -50 });
    expect(config.rules[3]?.kind === 'absent' && config.rules[3].absent.windowMs).to.equal(60_000);
    expect(config.inhibitRules[0]?.equal).to.deep.equal(['service']);
    expect(config.route?.receiver).to.equal('data-team');
    expect(config.route?.groupBy).to.deep.equal(['alertname', 'service']);
    const critical = config.route?.routes[0];
    expect(critical).to.deep.include({ id: '{}/{severity="critical"}', receiver: 'on-call', groupWaitMs: 10_000, groupIntervalMs: 300_000, repeatIntervalMs: 14_400_000 });
    expect(critical?.groupBy).to.deep.equal(['alertname', 'service']);
    expect([...config.receivers.keys()]).to.deep.equal(['data-team', 'on-call']);
    const channels = config.receivers.get('data-team')?.channels;
    expect(channels?.map((c) => [c.key, c.type, c.sendResolved])).to.deep.equal([
      ['data-team/slack/0', 'slack', false],
      ['data-team/log/0', 'log', true],
    ]);
  });

  it('is the example of docs/alerting.md', () => {
    const docs = readFileSync(new URL('../../../docs/alerting.md', import.meta.url), 'utf8');
    const block = /## Rule file\n\n```yaml\n([\s\S]*?)```/.exec(docs)?.[1];
    expect(block).to.equal(EXAMPLE.slice(EXAMPLE.indexOf('\n') + 1));
  });

  it('reads JSON as well as YAML, and applies Alertmanager defaults to what a file leaves out', () => {
    const config = loadAlertingConfig(
      JSON.parse('{"groups":[{"name":"g","rules":[{"name":"A","kind":"absent","series":{"metric":"up"}}]}],"route":{"receiver":"r"},"receivers":[{"name":"r"}]}'),
    );
    expect(config.rules[0]).to.deep.include({ forMs: 0, keepFiringForMs: 0, severity: 'warning' });
    expect(config.rules[0]?.kind === 'absent' && config.rules[0].absent.windowMs).to.equal(300_000);
    expect(config.route).to.deep.include({ groupBy: [], groupWaitMs: 30_000, groupIntervalMs: 300_000, repeatIntervalMs: 14_400_000 });
    expect(parseAlertingConfig('{"groups": []}').rules).to.deep.equal([]);
  });

  it('names the path and line of a field with the wrong type or value', () => {
    const issues = issuesOf(
      rule(`      - name: A
        kind: threshold
        series: { metric: m }
        threshold: { op: '>', value: high }
`),
    );
    expect(issues).to.have.length(1);
    expect(issues[0]).to.deep.include({ path: 'groups.0.rules.0.threshold.value', line: 7 });
    expect(issues[0]?.message).to.match(/number/);
  });

  it('refuses an unknown kind, unknown fields and a block of another kind', () => {
    expect(issuesOf(rule('      - { name: A, kind: spike, series: { metric: m } }\n'))[0]).to.deep.include({
      path: 'groups.0.rules.0.kind',
      message: 'kind must be one of threshold, rate_of_change, anomaly, absent',
    });
    const extra = issuesOf(rule("      - { name: A, kind: absent, series: { metric: m }, threshold: { op: '>', value: 1 } }\n"));
    expect(extra[0]?.path).to.equal('groups.0.rules.0');
    expect(extra[0]?.message).to.match(/threshold/);
  });

  it('checks durations, matchers, label names, templates and names, reporting every problem', () => {
    const issues = issuesOf(
      rule(`      - name: A
        kind: threshold
        series: { metric: 'bad metric', matchers: ['service=~"(a"', 'x'] }
        threshold: { op: '>', value: 1 }
        for: 2 minutes
        labels: { alertname: X, 1bad: y, team: '{{ $labels.x }}' }
        annotations: { summary: '{{ .Labels.service }}' }
      - name: A
        kind: absent
        series: { metric: up }
        annotations: { summary: 'value {{ $value }}' }
`),
    );
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i.message]));
    expect(Object.keys(byPath)).to.have.members([
      'groups.0.rules.0.series.metric',
      'groups.0.rules.0.series.matchers.0',
      'groups.0.rules.0.series.matchers.1',
      'groups.0.rules.0.for',
      'groups.0.rules.0.labels.alertname',
      'groups.0.rules.0.labels.1bad',
      'groups.0.rules.0.labels.team',
      'groups.0.rules.0.annotations.summary',
      'groups.0.rules.1.name',
      'groups.0.rules.1.annotations.summary',
    ]);
    expect(byPath['groups.0.rules.0.series.matchers.0']).to.match(/does not compile \(RE2 syntax\)/);
    expect(byPath['groups.0.rules.0.series.matchers.1']).to.match(/no operator/);
    expect(byPath['groups.0.rules.0.for']).to.equal('"2 minutes" is not a duration like 30s, 5m, 1h30m or 0');
    expect(byPath['groups.0.rules.0.labels.alertname']).to.match(/it is the rule name/);
    expect(byPath['groups.0.rules.0.annotations.summary']).to.match(/only \{\{ \$labels.<name> }} and \{\{ \$value }} are supported/);
    expect(byPath['groups.0.rules.1.name']).to.equal('duplicate rule name "A" (first at groups.0.rules.0.name)');
    expect(byPath['groups.0.rules.1.annotations.summary']).to.match(/absent rule has no \{\{ \$value }}/);
  });

  it('refuses regexes RE2 cannot run in linear time, and runs the others in linear time', () => {
    const [backreference] = issuesOf(rule('      - { name: A, kind: absent, series: { metric: m, matchers: [\'x=~"(a)\\\\1"\'] } }\n'));
    expect(backreference?.message).to.match(/does not compile/);
    const config = parseAlertingConfig(rule('      - { name: A, kind: absent, series: { metric: m, matchers: [\'x=~"(a+)+$"\'] } }\n'));
    const started = process.hrtime.bigint();
    expect(config.rules[0]?.selector.matchers[0]?.matches({ x: `${'a'.repeat(50_000)}b` })).to.equal(false);
    expect(Number(process.hrtime.bigint() - started) / 1e6).to.be.below(2000);
  });

  it('checks routes and receivers: root receiver, unknown receivers, duplicate names, group_by', () => {
    const issues = issuesOf(`
route:
  matchers: ['a="b"']
  routes:
    - receiver: nobody
      group_by: ['...', service]
receivers:
  - name: r
  - name: r
`);
    expect(issues.map((i) => i.path)).to.have.members([
      'route.receiver',
      'route.matchers',
      'route.routes.0.receiver',
      'route.routes.0.group_by',
      'receivers.1.name',
    ]);
    expect(issuesOf('receivers: [{ name: r }]\n')[0]).to.deep.include({ path: 'route' });
  });

  it('refuses destinations off the allow-list at validation time, without showing the secret URL', () => {
    const text = `
route: { receiver: r }
receivers:
  - name: r
    webhook_configs:
      - url: https://evil.example.net/collect?token=s3cr3t
      - url: https://alerts.example.com/elsewhere/abc
      - url: https://user:pw@alerts.example.com/tributary/x
    slack_configs:
      - api_url: https://hooks.slack.com/services/T1/B1/s3cr3t
`;
    const issues = issuesOf(text, ['https://alerts.example.com/tributary/']);
    expect(issues.map((i) => [i.path, i.message])).to.deep.equal([
      ['receivers.0.webhook_configs.0.url', 'destination https://evil.example.net/<redacted> is not on the destination allow-list'],
      ['receivers.0.webhook_configs.1.url', 'destination https://alerts.example.com/<redacted> is not on the destination allow-list'],
      ['receivers.0.webhook_configs.2.url', 'destination https://alerts.example.com/<redacted> must not carry credentials in the URL (use headers)'],
      ['receivers.0.slack_configs.0.api_url', 'destination https://hooks.slack.com/<redacted> is not on the destination allow-list'],
    ]);
    const error = attempt(() => parseAlertingConfig(text));
    expect(error.message).to.not.include('s3cr3t');
    expect(error.issues[0]?.message).to.match(/allow-list is empty/);
  });

  it('refuses a malformed file, a file too large and a malformed allow-list', () => {
    expect(issuesOf('groups: [\n')[0]?.message).to.match(/^not valid YAML\/JSON/);
    expect(issuesOf('a: 1\na: 2\n')[0]?.message).to.match(/^not valid YAML\/JSON/);
    const big = attempt(() => parseAlertingConfig(`# ${'x'.repeat(2000)}\n`, { maxFileBytes: 1000 }));
    expect(big.issues[0]?.message).to.match(/at most 1000 are read/);
    const options = attempt(() => parseAlertingConfig('{}', { allowedDestinations: ['ftp://x', 'https://*.com'] }));
    expect(options.code).to.equal('TRIB_ALERT_OPTIONS_INVALID');
    expect(options.issues.map((i) => i.path)).to.deep.equal(['allowedDestinations.0', 'allowedDestinations.1']);
  });
});

describe('rule file JSON Schema', () => {
  it('describes the file for editors and OpenAPI, rule kinds included', () => {
    const schema = alertingRuleFileJsonSchema();
    expect(schema.$schema).to.equal('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(schema.properties as object)).to.deep.equal(['groups', 'inhibit_rules', 'route', 'receivers']);
    expect(JSON.stringify(schema)).to.include('"rate_of_change"');
  });
});

describe('destination allow-list', () => {
  const list = new DestinationAllowList(['https://hooks.slack.com', 'https://*.example.com', 'http://127.0.0.1:9000/hooks/']);

  it('matches scheme, host (or subdomain wildcard), port and path prefix', () => {
    const ok = (url: string) => list.check(url).ok;
    expect(ok('https://hooks.slack.com/services/T/B/X')).to.equal(true);
    expect(ok('http://hooks.slack.com/services/T/B/X')).to.equal(false);
    expect(ok('https://hooks.slack.com:8443/services')).to.equal(false);
    expect(ok('https://hooks.slack.com.evil.net/services')).to.equal(false);
    expect(ok('https://alerts.example.com/x')).to.equal(true);
    expect(ok('https://example.com/x')).to.equal(false);
    expect(ok('https://evilexample.com/x')).to.equal(false);
    expect(ok('http://127.0.0.1:9000/hooks/a')).to.equal(true);
    expect(ok('http://127.0.0.1:9000/hooksx')).to.equal(false);
    expect(ok('http://127.0.0.1:9001/hooks/a')).to.equal(false);
    expect(ok('file:///etc/passwd')).to.equal(false);
  });
});

describe('durations', () => {
  it('reads and writes Prometheus durations', () => {
    expect(['0', '30s', '5m', '1h30m', '2d', '500ms', '1w'].map(parseDuration)).to.deep.equal([0, 30_000, 300_000, 5_400_000, 172_800_000, 500, 604_800_000]);
    expect(['', '5', '30m1h', '5mm', '1.5h', '-1s', '5 m'].map(parseDuration)).to.deep.equal(Array(7).fill(undefined));
    expect(formatDuration(5_400_000)).to.equal('1h30m');
  });
});
