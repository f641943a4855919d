import type { CommandRejected, QualityIssueAcknowledged, QualityIssueNoteAdded, QualityIssueOpened, QualityIssueResolved, QualityWindowClosed } from '@tributary/schemas';
import { waitFor } from '@tributary/testing';
import { expect } from 'chai';
import { IssueEventNames, IssueRejections } from '../src/issues/names.js';
import { pipelineId, type Seen, Stack } from './helpers.js';
import { qualityControlTopics } from './redrive-helpers.js';
import { hourAgo, MINUTE, signupBatch, signupsDefinition, WINDOWS } from './signups.js';

type IssueCommandType = (typeof IssueEventNames)['acknowledge' | 'addNote' | 'resolve'];

describe('quality issues resolved by people, on the real stack', () => {
  const stack = new Stack();

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(stack.logLines.slice(-40).join(''));
  });
  before(async () => {
    await stack.start();
  });
  after(async () => {
    await stack.close();
  });

  /** Sends an issue command as the CPM would. */
  async function send(type: IssueCommandType, pipeline: string, issueId: string, by: string, note: string | null): Promise<void> {
    await stack.publisher.publish(
      qualityControlTopics(stack).commands,
      type,
      { pipelineId: pipeline, issueId, note, requestedBy: by, requestedAt: Date.now() },
      { key: pipeline, priority: 'high' },
    );
  }

  it('acknowledges, notes and resolves an issue; the tracker stops tracking it, and a signal still failing opens a new one', async function () {
    this.timeout(180_000);
    const manager = await stack.qualityManager();
    const id = pipelineId('issues');
    const pipeline = await stack.runPipeline(signupsDefinition(id), 'run-i');
    await waitFor(() => manager.pipelines().some((p) => p.pipelineId === id && p.state === 'running'), { what: 'the quality consumer to run' });
    const events: Seen[] = await stack.read([stack.qualityEventsTopic], pipeline.codec);
    const of = <T>(type: string) => events.filter((e) => e.type === `tributary.quality.${type}` && e.value.pipelineId === id).map((e) => e.value as unknown as T);
    const rejections = () => events.filter((e) => e.type === IssueEventNames.rejected && e.value.pipelineId === id).map((e) => e.value as unknown as CommandRejected);

    // Bad emails at 30% in windows 20–24: the issue opens at window 20.
    const t0 = hourAgo();
    await stack.process(pipeline, signupBatch(t0, 0, 22, 24), 'run-i');
    await waitFor(() => of('QualityWindowClosed').length >= 22, { what: '22 closed windows', timeoutMs: 60_000 });
    const first = of<QualityIssueOpened>('QualityIssueOpened');
    expect(first.map((o) => [o.signal, (o.windowStart - t0) / MINUTE])).to.deep.equal([['rule:email-format', 20]]);
    const issueId = first[0]!.issueId;
    expect(manager.openIssueIds(id)).to.deep.equal([issueId]);

    await send(IssueEventNames.acknowledge, id, 'no-such-issue', 'alice', null);
    await send(IssueEventNames.acknowledge, id, issueId, 'alice', 'looking at the signup form');
    await send(IssueEventNames.acknowledge, id, issueId, 'bob', null); // already acknowledged: nothing
    await send(IssueEventNames.addNote, id, issueId, 'bob', 'the form validation was switched off in the 14:02 deploy');
    await send(IssueEventNames.addNote, id, issueId, 'bob', '   '); // blank: refused
    await send(IssueEventNames.resolve, id, issueId, 'alice', 'validation back on');
    await send(IssueEventNames.resolve, id, issueId, 'alice', null); // the same resolution again: nothing
    await send(IssueEventNames.acknowledge, id, issueId, 'carol', null); // resolved: refused
    await waitFor(() => rejections().length >= 3 && of('QualityIssueResolved').length >= 1, { what: 'the answers to the commands', timeoutMs: 30_000 });
    await waitFor(() => !manager.openIssueIds(id).includes(issueId), { what: 'the tracker to retire the issue', timeoutMs: 30_000 });

    expect(of<QualityIssueAcknowledged>('QualityIssueAcknowledged').map((a) => [a.issueId, a.acknowledgedBy, a.note])).to.deep.equal([
      [issueId, 'alice', 'looking at the signup form'],
    ]);
    const notes = of<QualityIssueNoteAdded>('QualityIssueNoteAdded');
    expect(notes.map((n) => [n.issueId, n.author, n.note])).to.deep.equal([[issueId, 'bob', 'the form validation was switched off in the 14:02 deploy']]);
    const byHand = of<QualityIssueResolved>('QualityIssueResolved');
    expect(byHand.map((r) => [r.issueId, r.resolvedBy, r.note, r.windowStart])).to.deep.equal([[issueId, 'alice', 'validation back on', null]]);
    expect(rejections().map((r) => [r.command, r.code])).to.deep.equal([
      [IssueEventNames.acknowledge, IssueRejections.notFound],
      [IssueEventNames.addNote, IssueRejections.noteInvalid],
      [IssueEventNames.acknowledge, IssueRejections.resolved],
    ]);

    // Windows 22–24 are still bad: a new issue opens at 22, and recovery (25) resolves it by itself;
    // the issue resolved by hand is never resolved a second time.
    await stack.process(pipeline, signupBatch(t0, 22, WINDOWS, 24), 'run-i');
    await waitFor(() => of('QualityWindowClosed').length >= WINDOWS && of('QualityIssueResolved').length >= 2, {
      what: `${WINDOWS} closed windows and the second resolution`,
      timeoutMs: 60_000,
    });
    await new Promise((r) => setTimeout(r, 3_000)); // anything published twice would show now
    const opened = of<QualityIssueOpened>('QualityIssueOpened');
    expect(opened.map((o) => (o.windowStart - t0) / MINUTE)).to.deep.equal([20, 22]);
    const resolved = of<QualityIssueResolved>('QualityIssueResolved');
    expect(resolved.map((r) => [r.issueId, r.resolvedBy, r.windowStart === null ? null : (r.windowStart - t0) / MINUTE])).to.deep.equal([
      [issueId, 'alice', null],
      [opened[1]!.issueId, null, 25],
    ]);
    expect(of<QualityWindowClosed>('QualityWindowClosed')).to.have.length(WINDOWS);
    await manager.close();
  });

  it('a restarted tracker does not bring back an issue resolved by hand after its last window', async function () {
    this.timeout(180_000);
    const id = pipelineId('restart');
    const first = await stack.qualityManager();
    const pipeline = await stack.runPipeline(signupsDefinition(id), 'run-r');
    await waitFor(() => first.pipelines().some((p) => p.pipelineId === id && p.state === 'running'), { what: 'the quality consumer to run' });
    const events: Seen[] = await stack.read([stack.qualityEventsTopic], pipeline.codec);
    const of = <T>(type: string) => events.filter((e) => e.type === `tributary.quality.${type}` && e.value.pipelineId === id).map((e) => e.value as unknown as T);

    // The drop of windows 20–22 opens an issue, resolved by hand after the last window closed: the
    // state the restarted tracker resumes from (that window's) still has it open.
    const t0 = hourAgo();
    await stack.process(pipeline, signupBatch(t0, 0, 23), 'run-r');
    await waitFor(() => of('QualityWindowClosed').length >= 23, { what: '23 closed windows', timeoutMs: 60_000 });
    const issueId = of<QualityIssueOpened>('QualityIssueOpened')[0]!.issueId;
    await send(IssueEventNames.resolve, id, issueId, 'alice', null);
    await waitFor(() => of('QualityIssueResolved').length >= 1, { what: 'the resolution', timeoutMs: 30_000 });
    await first.close();

    const second = await stack.qualityManager();
    expect(second.openIssueIds(id)).to.deep.equal([]);
    // Recovery windows: the tracker has nothing left to resolve.
    await stack.process(pipeline, signupBatch(t0, 23, WINDOWS), 'run-r');
    await waitFor(() => of('QualityWindowClosed').length >= WINDOWS, { what: `${WINDOWS} closed windows`, timeoutMs: 60_000 });
    await new Promise((r) => setTimeout(r, 3_000));
    expect(of<QualityIssueResolved>('QualityIssueResolved').map((r) => [r.issueId, r.resolvedBy])).to.deep.equal([[issueId, 'alice']]);
    expect(of<QualityIssueOpened>('QualityIssueOpened').map((o) => o.issueId)).to.deep.equal([issueId]);
  });
});
