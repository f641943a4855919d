import { expect } from 'chai';
import { MONITORING_VIEW_TYPES as T } from '@tributary/pipeline-state';
import request from 'supertest';
import { expectErrorShape, keys } from './helpers.js';
import { as, codeOf, DAY, HOUR, isoOf, MINUTE, RULES, SECOND, transition, useMonitoringApp } from './monitoring-fixture.js';

// What operators and admins do about monitoring: the command each route sends, and what it refuses first (docs/cpm.md, "Monitoring").
describe('monitoring routes: commands', () => {
  const f = useMonitoringApp();

  describe('POST /alerts/:alertId/acknowledge', () => {
    beforeEach(() => {
      f.monitoring.apply(T.alertStateChanged, transition({ state: 'pending', previousState: null, changedAt: f.clock - 5 * MINUTE, activeSince: f.clock - 5 * MINUTE }));
      f.monitoring.apply(T.alertStateChanged, transition({ changedAt: f.clock - 3 * MINUTE, activeSince: f.clock - 5 * MINUTE }));
      f.monitoring.apply(T.alertStateChanged, transition({ alertId: 'ffff000011112222', alertName: 'ServiceDown', state: 'firing', previousState: null, severity: 'critical', labels: { service: 'cpm' }, changedAt: f.clock - MINUTE, activeSince: f.clock - MINUTE }));
      f.monitoring.apply(T.alertStateChanged, transition({ alertId: 'eeee000011112222', state: 'resolved', previousState: 'pending', activeSince: null, changedAt: f.clock - 2 * MINUTE }));
      f.monitoring.apply(T.alertAcknowledged, { alertId: 'a1b2c3d4e5f60718', acknowledgedBy: 'apikey:operator:abc', note: 'looking', acknowledgedAt: f.clock - 2 * MINUTE });
    });

    const ack = (alertId: string, body?: unknown, key = keys.operator) => {
      const r = request(f.app).post(`/api/v1/monitoring/alerts/${alertId}/acknowledge`).set(as(key));
      return body === undefined ? r : r.send(body as object);
    };

    it('202 with Location, after sending AcknowledgeAlert keyed by the alert id with the request id as correlation id', async () => {
      const res = await ack('a1b2c3d4e5f60718', { note: 'paging the owner' }).set('X-Request-Id', 'req-ack-1').expect(202);
      expect(res.headers.location).to.equal('/api/v1/monitoring/alerts/a1b2c3d4e5f60718');
      expect(res.body).to.deep.equal({ alertId: 'a1b2c3d4e5f60718', action: 'acknowledge', status: 'requested' });
      expect(f.sent).to.have.length(1);
      expect(f.sent[0]).to.deep.include({ topic: 'tt.monitoring.commands', type: 'tributary.monitoring.AcknowledgeAlert' });
      expect(f.sent[0]?.options).to.deep.equal({ key: 'a1b2c3d4e5f60718', priority: 'normal', correlationId: 'req-ack-1' });
      expect(f.sent[0]?.value).to.include({ alertId: 'a1b2c3d4e5f60718', note: 'paging the owner' });
      expect(String(f.sent[0]?.value.requestedBy)).to.match(/^apikey:operator:[0-9a-f]{12}$/);
      expect(f.sent[0]?.value.requestedAt).to.be.a('number');
      await ack('ffff000011112222', undefined, keys.admin).expect(202);
      expect(f.sent[1]?.value).to.include({ note: null });
    });

    it('404 for an unknown alert, 409 for a resolved or pending one, 400 for a bad note; nothing sent', async () => {
      expect(codeOf(await ack('0000000000000000', {}).expect(404))).to.equal('TRIB_ALERT_NOT_FOUND');
      const resolved = await ack('eeee000011112222', {}).expect(409);
      expect(expectErrorShape(resolved.body)).to.deep.include({ code: 'TRIB_ALERT_NOT_FIRING', details: { alertId: 'eeee000011112222', state: 'resolved' } });
      f.monitoring.apply(T.alertStateChanged, transition({ alertId: 'dddd000011112222', state: 'pending', previousState: null, changedAt: f.clock }));
      expect(codeOf(await ack('dddd000011112222', {}).expect(409))).to.equal('TRIB_ALERT_NOT_FIRING');
      for (const body of [{ note: '' }, { note: 'x'.repeat(2001) }, { note: 3 }, { reason: 'x' }, [1]]) {
        expect(codeOf(await ack('a1b2c3d4e5f60718', body).expect(400)), JSON.stringify(body).slice(0, 40)).to.equal('TRIB_REQUEST_INVALID');
      }
      expect(f.sent).to.have.length(0);
    });

    it('401 without a key, 403 for a viewer, 415 for another type, 503 with Retry-After when Kafka is unreachable', async () => {
      expect(codeOf(await request(f.app).post('/api/v1/monitoring/alerts/a1b2c3d4e5f60718/acknowledge').expect(401))).to.equal('TRIB_AUTH_MISSING');
      const forbidden = await ack('a1b2c3d4e5f60718', {}, keys.viewer).expect(403);
      expect(expectErrorShape(forbidden.body).details).to.deep.equal({ required: 'operator', role: 'viewer' });
      expect(codeOf(await ack('a1b2c3d4e5f60718').set('Content-Type', 'text/plain').send('hi').expect(415))).to.equal('TRIB_UNSUPPORTED_MEDIA_TYPE');
      f.kafkaUp = false;
      const down = await ack('a1b2c3d4e5f60718', {}).expect(503);
      expect(codeOf(down)).to.equal('TRIB_BROKER_UNREACHABLE');
      expect(down.headers['retry-after']).to.equal('4');
      expect(f.sent).to.have.length(0);
    });
  });

  describe('silences', () => {
    const create = (body: unknown, key = keys.operator) => request(f.app).post('/api/v1/monitoring/silences').set(as(key)).send(body as object);

    it('202 with Location, after sending CreateSilence keyed by a new silence id, matchers in canonical form', async () => {
      const res = await create({ matchers: ['service = "processor"', 'severity=~"warning|info"'], duration: '2h', comment: 'deploying the processor' }).set('X-Request-Id', 'req-s-1').expect(202);
      const { silenceId } = res.body as { silenceId: string };
      expect(silenceId).to.match(/^[0-9a-f-]{36}$/);
      expect(res.headers.location).to.equal(`/api/v1/monitoring/silences/${silenceId}`);
      expect(f.sent).to.have.length(1);
      expect(f.sent[0]).to.deep.include({ topic: 'tt.monitoring.commands', type: 'tributary.monitoring.CreateSilence' });
      expect(f.sent[0]?.options).to.deep.equal({ key: silenceId, priority: 'normal', correlationId: 'req-s-1' });
      const value = f.sent[0]!.value as { silenceId: string; matchers: string[]; startsAt: number; endsAt: number; comment: string; requestedBy: string };
      expect(value).to.deep.include({ silenceId, matchers: ['service="processor"', 'severity=~"warning|info"'], comment: 'deploying the processor' });
      expect(value.endsAt - value.startsAt).to.equal(2 * HOUR);
      expect(Math.abs(value.startsAt - Date.now())).to.be.below(5 * SECOND);
      expect(res.body).to.deep.include({ status: 'requested', startsAt: isoOf(value.startsAt), endsAt: isoOf(value.endsAt) });
    });

    it('takes startsAt and endsAt (a start in the past is now)', async () => {
      const start = Date.now() + HOUR;
      await create({ matchers: ['service="cpm"'], startsAt: isoOf(start), endsAt: isoOf(start + DAY), comment: 'tomorrow' }).expect(202);
      expect(f.sent[0]?.value).to.include({ startsAt: start, endsAt: start + DAY });
      await create({ matchers: ['service="cpm"'], startsAt: isoOf(Date.now() - DAY), endsAt: isoOf(Date.now() + HOUR), comment: 'now' }).expect(202);
      expect(Math.abs((f.sent[1]?.value.startsAt as number) - Date.now())).to.be.below(5 * SECOND);
    });

    it('400 TRIB_ALERT_SILENCE_INVALID naming each bad matcher and field; nothing sent', async () => {
      const issuesOf = async (body: unknown) => {
        const res = await create(body).expect(400);
        const error = expectErrorShape(res.body);
        expect(error.code).to.equal('TRIB_ALERT_SILENCE_INVALID');
        return error.details.issues as { path: string; message: string; matcher?: string }[];
      };
      const bad = await issuesOf({ matchers: ['service="cpm"', '1abc="x"', 'pipelineId=~"orders-(.*"'], duration: '1h', comment: 'x' });
      expect(bad.map((i) => [i.path, i.matcher])).to.deep.equal([
        ['matchers.1', '1abc="x"'],
        ['matchers.2', 'pipelineId=~"orders-(.*"'],
      ]);
      expect(bad[1]?.message).to.match(/compile/);
      const everything = await issuesOf({ matchers: ['service=~".*"', 'team!="x"'], duration: '1h', comment: 'x' });
      expect(everything[0]?.message).to.match(/every matcher matches an empty label set/);
      expect((await issuesOf({ matchers: Array.from({ length: 21 }, (_, i) => `l${i}="v"`), duration: '1h', comment: 'x' }))[0]?.path).to.equal('matchers');
      expect((await issuesOf({ matchers: [], duration: '1h', comment: 'x' }))[0]?.path).to.equal('matchers');
      expect((await issuesOf({ matchers: ['service="cpm"'], duration: '91d', comment: 'x' }))[0]).to.include({ path: 'endsAt', message: 'a silence lasts at most 90 days' });
      expect((await issuesOf({ matchers: ['service="cpm"'], duration: 'soon', comment: 'x' }))[0]?.path).to.equal('duration');
      expect((await issuesOf({ matchers: ['service="cpm"'], duration: '1h', endsAt: isoOf(Date.now() + HOUR), comment: 'x' }))[0]?.path).to.equal('duration');
      expect((await issuesOf({ matchers: ['service="cpm"'], endsAt: isoOf(Date.now() - HOUR), comment: 'x' }))[0]?.path).to.equal('endsAt');
      expect((await issuesOf({ matchers: ['service="cpm"'], comment: 'x' }))[0]?.path).to.equal('endsAt');
      expect((await issuesOf({ matchers: ['service="cpm"'], duration: '1h', startsAt: isoOf(Date.now() + 91 * DAY), comment: 'x' }))[0]?.path).to.equal('startsAt');
      expect((await issuesOf({ matchers: ['service="cpm"'], duration: '1h', comment: ' ' }))[0]?.path).to.equal('comment');
      expect((await issuesOf({ matchers: ['service="cpm"'], duration: '1h', comment: 'x', createdBy: 'me' }))[0]).to.include({ path: 'createdBy', message: 'unknown field' });
      expect(f.sent).to.have.length(0);
    });

    it('401, 403 for a viewer, 413 over 64 KiB, 503 when Kafka is unreachable', async () => {
      const body = { matchers: ['service="cpm"'], duration: '1h', comment: 'x' };
      await request(f.app).post('/api/v1/monitoring/silences').send(body).expect(401);
      expect(codeOf(await create(body, keys.viewer).expect(403))).to.equal('TRIB_FORBIDDEN');
      expect(codeOf(await create({ ...body, comment: 'x'.repeat(70_000) }).expect(413))).to.equal('TRIB_REQUEST_TOO_LARGE');
      f.kafkaUp = false;
      expect((await create(body).expect(503)).headers['retry-after']).to.equal('4');
      expect(f.sent).to.have.length(0);
    });

    describe('once the manager created them', () => {
      beforeEach(() => {
        const silence = (silenceId: string, startsAt: number, endsAt: number, createdAt: number) => ({
          silenceId,
          matchers: ['service="processor"'],
          startsAt,
          endsAt,
          comment: 'maintenance',
          createdBy: 'apikey:operator:abc',
          createdAt,
        });
        f.monitoring.apply(T.silenceCreated, silence('s-active', f.clock - HOUR, f.clock + HOUR, f.clock - HOUR));
        f.monitoring.apply(T.silenceCreated, silence('s-pending', f.clock + HOUR, f.clock + 2 * HOUR, f.clock - 30 * MINUTE));
        f.monitoring.apply(T.silenceCreated, silence('s-expired', f.clock - 3 * HOUR, f.clock - 2 * HOUR, f.clock - 3 * HOUR));
      });

      it('DELETE sends ExpireSilence keyed by the silence id → 202; 404 unknown, 409 expired, 403 viewer, 503 Kafka down', async () => {
        const del = (id: string, key = keys.operator) => request(f.app).delete(`/api/v1/monitoring/silences/${id}`).set(as(key));
        const res = await del('s-pending').set('X-Request-Id', 'req-del-1').expect(202);
        expect(res.body).to.deep.equal({ silenceId: 's-pending', action: 'expire', status: 'requested' });
        expect(res.headers.location).to.equal('/api/v1/monitoring/silences/s-pending');
        expect(f.sent).to.have.length(1);
        expect(f.sent[0]).to.deep.include({ topic: 'tt.monitoring.commands', type: 'tributary.monitoring.ExpireSilence' });
        expect(f.sent[0]?.options).to.deep.equal({ key: 's-pending', priority: 'normal', correlationId: 'req-del-1' });
        expect(f.sent[0]?.value).to.include({ silenceId: 's-pending' });
        expect(codeOf(await del('nope').expect(404))).to.equal('TRIB_SILENCE_NOT_FOUND');
        expect(codeOf(await del('s-expired').expect(409))).to.equal('TRIB_SILENCE_EXPIRED');
        expect(codeOf(await del('s-active', keys.viewer).expect(403))).to.equal('TRIB_FORBIDDEN');
        f.kafkaUp = false;
        expect(codeOf(await del('s-active').expect(503))).to.equal('TRIB_BROKER_UNREACHABLE');
        expect(f.sent).to.have.length(1);
      });
    });
  });

  describe('alert rules', () => {
    const put = (body: string, type = 'application/yaml', key = keys.admin) => request(f.app).put('/api/v1/monitoring/alert-rules').set(as(key)).set('Content-Type', type).send(body);

    it('PUT validates the file and sends PutAlertRules keyed alert-rules, If-Match as expectedVersion → 202', async () => {
      // Before any AlertRulesChanged the start-up file is in force: version 0.
      expect((await put(RULES).set('If-Match', '"0"').expect(202)).body).to.include({ expectedVersion: 0 });
      expect(codeOf(await put(RULES).set('If-Match', '"1"').expect(409))).to.equal('TRIB_VERSION_CONFLICT');
      f.sent.length = 0;
      f.monitoring.apply(T.alertRulesChanged, { version: 4, rules: RULES, ruleNames: ['ServiceDown'], changedBy: 'apikey:admin:abc', changedAt: f.clock });
      const res = await put(RULES).set('If-Match', '"4"').set('X-Request-Id', 'req-rules-1').expect(202);
      expect(res.headers.location).to.equal('/api/v1/monitoring/alert-rules');
      expect(res.body).to.deep.equal({ status: 'requested', expectedVersion: 4, ruleNames: ['ServiceDown'] });
      expect(f.sent).to.have.length(1);
      expect(f.sent[0]).to.deep.include({ topic: 'tt.monitoring.commands', type: 'tributary.monitoring.PutAlertRules' });
      expect(f.sent[0]?.options).to.deep.equal({ key: 'alert-rules', priority: 'normal', correlationId: 'req-rules-1' });
      expect(f.sent[0]?.value).to.include({ rules: RULES, expectedVersion: 4 });
      expect(String(f.sent[0]?.value.requestedBy)).to.match(/^apikey:admin:/);
      // JSON is taken too, and without If-Match nothing is expected.
      const json = JSON.stringify({ groups: [{ name: 'g', rules: [{ name: 'Hot', kind: 'threshold', series: { metric: 'temp' }, threshold: { op: '>', value: 90 } }] }] });
      expect((await put(json, 'application/json').expect(202)).body).to.deep.equal({ status: 'requested', expectedVersion: null, ruleNames: ['Hot'] });
      expect(f.sent[1]?.value).to.include({ rules: json, expectedVersion: null });
    });

    it('400 TRIB_ALERT_RULES_INVALID with every issue (path, line, message), including destinations off MONITORING_ALERT_DESTINATIONS', async () => {
      const broken = `${RULES}      - name: Slow\n        kind: threshold\n        series:\n          metric: latency\n        threshold: { op: '>', value: fast }\n        for: 5 minutes\n`;
      const res = await put(broken).expect(400);
      const error = expectErrorShape(res.body);
      expect(error.code).to.equal('TRIB_ALERT_RULES_INVALID');
      const issues = error.details.issues as { path: string; line: number | null; message: string }[];
      expect(issues.map((i) => i.path)).to.include('groups.0.rules.1.threshold.value');
      expect(issues.every((i) => typeof i.line === 'number')).to.equal(true);
      const receivers = (url: string) => `${RULES}route:\n  receiver: team\nreceivers:\n  - name: team\n    webhook_configs:\n      - url: ${url}\n`;
      const refused = expectErrorShape((await put(receivers('https://evil.example.org/hook?token=s3cr3t')).expect(400)).body);
      expect(refused.code).to.equal('TRIB_ALERT_RULES_INVALID');
      expect(JSON.stringify(refused)).to.not.include('s3cr3t');
      expect((refused.details.issues as { path: string }[])[0]?.path).to.equal('receivers.0.webhook_configs.0.url');
      await put(receivers('https://hooks.example.com/tributary')).expect(202);
      expect(codeOf(await put('   ').expect(400))).to.equal('TRIB_ALERT_RULES_INVALID');
      expect(codeOf(await put('groups: [').expect(400))).to.equal('TRIB_ALERT_RULES_INVALID');
      expect(f.sent).to.have.length(1);
    });

    it('409 when If-Match is not the version in force, 400 for a bad If-Match, 413, 415, 403 for an operator, 503 Kafka down', async () => {
      f.monitoring.apply(T.alertRulesChanged, { version: 4, rules: RULES, ruleNames: ['ServiceDown'], changedBy: 'apikey:admin:abc', changedAt: f.clock });
      const conflict = expectErrorShape((await put(RULES).set('If-Match', '"3"').expect(409)).body);
      expect(conflict).to.deep.include({ code: 'TRIB_VERSION_CONFLICT', details: { expected: 3, current: 4 } });
      expect(codeOf(await put(RULES).set('If-Match', 'v4').expect(400))).to.equal('TRIB_REQUEST_INVALID');
      expect(codeOf(await put(`${RULES}#${'x'.repeat(5000)}\n`).expect(413))).to.equal('TRIB_REQUEST_TOO_LARGE');
      expect(codeOf(await put('<rules/>', 'application/xml').expect(415))).to.equal('TRIB_UNSUPPORTED_MEDIA_TYPE');
      expect(codeOf(await put(RULES, 'application/yaml', keys.operator).expect(403))).to.equal('TRIB_FORBIDDEN');
      f.kafkaUp = false;
      expect(codeOf(await put(RULES).expect(503))).to.equal('TRIB_BROKER_UNREACHABLE');
      expect(f.sent).to.have.length(0);
    });
  });
});
