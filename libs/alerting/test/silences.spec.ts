import { expect } from 'chai';
import { type SilenceInput, SilenceStore, parseMatcher } from '../src/index.js';
import { MINUTE, T0, attempt } from './support/fixtures.js';

const base: SilenceInput = { matchers: ['service="cpm"'], endsAt: T0 + 60 * MINUTE, createdBy: 'ana', comment: 'deploy' };

function store(): SilenceStore {
  let n = 0;
  return new SilenceStore({ newId: () => `s${++n}`, expiredRetention: '1h' });
}

describe('SilenceStore', () => {
  it('matches with =, !=, =~ and !~; regexes are anchored, as in Alertmanager', () => {
    const silences = store();
    silences.create({ ...base, matchers: ['service=~"quality-.*"', 'env!="dev"', { name: 'pipelineId', type: '!~', value: 'test-.*' }] }, T0);
    const muted = (labels: Record<string, string>) => silences.mutedBy(labels, T0).length > 0;
    expect(muted({ service: 'quality-manager', env: 'prod', pipelineId: 'orders' })).to.equal(true);
    expect(muted({ service: 'quality-manager' })).to.equal(true);
    expect(muted({ service: 'the-quality-manager', env: 'prod' })).to.equal(false);
    expect(muted({ service: 'quality-manager', env: 'dev' })).to.equal(false);
    expect(muted({ service: 'quality-manager', pipelineId: 'test-1' })).to.equal(false);
  });

  it('is pending before startsAt, active until endsAt, then expired and purged after the retention', () => {
    const silences = store();
    const s = silences.create({ ...base, startsAt: T0 + MINUTE, endsAt: T0 + 2 * MINUTE }, T0);
    expect(s.state).to.equal('pending');
    expect(silences.mutedBy({ service: 'cpm' }, T0)).to.deep.equal([]);
    expect(silences.mutedBy({ service: 'cpm' }, T0 + MINUTE)).to.deep.equal(['s1']);
    expect(silences.mutedBy({ service: 'cpm' }, T0 + 2 * MINUTE)).to.deep.equal([]);
    expect(silences.get('s1', T0 + 2 * MINUTE)?.state).to.equal('expired');
    silences.purge(T0 + 62 * MINUTE);
    expect(silences.list(T0 + 62 * MINUTE)).to.have.length(1);
    silences.purge(T0 + 63 * MINUTE);
    expect(silences.list(T0 + 63 * MINUTE)).to.deep.equal([]);
  });

  it('expires a silence at once, idempotently, and refuses unknown ids', () => {
    const silences = store();
    const pending = silences.create({ ...base, startsAt: T0 + 10 * MINUTE }, T0);
    expect(silences.expire(pending.id, T0 + MINUTE)).to.deep.include({ state: 'expired', startsAt: T0 + MINUTE, endsAt: T0 + MINUTE });
    expect(silences.expire(pending.id, T0 + 2 * MINUTE)).to.deep.include({ endsAt: T0 + MINUTE });
    expect(attempt(() => silences.expire('nope', T0)).code).to.equal('TRIB_ALERT_NOT_FOUND');
  });

  it('takes the id of a silence created elsewhere, and creating it again changes nothing', () => {
    const silences = store();
    const first = silences.create({ ...base, id: 'from-a-command' }, T0);
    expect(first.id).to.equal('from-a-command');
    const again = silences.create({ ...base, id: 'from-a-command', comment: 'another comment' }, T0 + MINUTE);
    expect(again).to.deep.equal({ ...first });
    expect(silences.list(T0 + MINUTE)).to.have.length(1);
  });

  it('refuses malformed silences, naming each field', () => {
    const silences = store();
    const issues = (input: object) => {
      const error = attempt(() => silences.create(input as SilenceInput, T0));
      expect(error.code).to.equal('TRIB_ALERT_SILENCE_INVALID');
      return error.issues.map((i) => [i.path, i.message]);
    };
    expect(issues({ ...base, matchers: [], createdBy: '', comment: ' ' })).to.deep.equal([
      ['matchers', 'at least one matcher is required'],
      ['createdBy', 'say who creates the silence'],
      ['comment', 'say why (a ticket, a maintenance window)'],
    ]);
    expect(issues({ ...base, matchers: ['service=~".*"', 'env!="prod"'] })).to.deep.equal([
      ['matchers', 'every matcher matches an empty label set, so the silence would mute every alert'],
    ]);
    expect(issues({ ...base, matchers: ['service=~"(x"'], endsAt: T0 - 1 })[0]?.[0]).to.equal('matchers.0');
    expect(issues({ ...base, startsAt: T0 + 10, endsAt: T0 + 5 })).to.deep.equal([['endsAt', 'must be after startsAt']]);
    expect(issues({ ...base, startsAt: T0 - 10, endsAt: T0 - 5 })).to.deep.equal([['endsAt', 'is in the past']]);
  });

  it('survives a JSON snapshot', () => {
    const silences = store();
    silences.create({ ...base, matchers: ['service=~"c.m"'] }, T0);
    const restored = new SilenceStore();
    restored.restore(JSON.parse(JSON.stringify(silences.snapshot())));
    expect(restored.mutedBy({ service: 'cpm' }, T0)).to.deep.equal(['s1']);
    expect(attempt(() => restored.restore({ version: 1, silences: [{ id: 'x' }] })).code).to.equal('TRIB_ALERT_SNAPSHOT_INVALID');
  });
});

describe('matcher text', () => {
  it('reads Alertmanager matcher syntax, quoted or not', () => {
    expect(parseMatcher('service="cpm"')).to.deep.equal({ ok: true, value: { name: 'service', type: '=', value: 'cpm' } });
    expect(parseMatcher(' team != data ')).to.deep.equal({ ok: true, value: { name: 'team', type: '!=', value: 'data' } });
    expect(parseMatcher('path=~"a\\"b\\\\c"')).to.deep.equal({ ok: true, value: { name: 'path', type: '=~', value: 'a"b\\c' } });
    expect(parseMatcher('x!~')).to.deep.equal({ ok: true, value: { name: 'x', type: '!~', value: '' } });
    expect(parseMatcher('1x="a"').ok).to.equal(false);
    expect(parseMatcher('x="a" trailing').ok).to.equal(false);
  });
});
