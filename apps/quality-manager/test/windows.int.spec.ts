import type { QualityWindowMetrics } from '@tributary/quality-metrics';
import type { QualityIssueOpened, QualityIssueResolved, QualityWindowClosed } from '@tributary/schemas';
import { waitFor } from '@tributary/testing';
import { expect } from 'chai';
import { pipelineId, Stack } from './helpers.js';
import { hourAgo, MINUTE, PER_WINDOW, signup, signupBatch, signupsDefinition as definition, WINDOWS } from './signups.js';

describe('quality windows and issues on the real stack', () => {
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

  it('publishes windowed metrics equal to an independent count, and a drop opens exactly one issue that recovery resolves, with two instances', async function () {
    this.timeout(120_000);
    // Two instances: the checkers split `.processed`, the trackers split the events topic, and each
    // pipeline is tracked by one of them — every window and issue is published once.
    const manager = await stack.qualityManager();
    const other = await stack.qualityManager();
    await waitFor(() => manager.ready && other.ready, { what: 'both instances ready' });
    const tracked = [...manager.trackedPartitions(), ...other.trackedPartitions()].sort((a, b) => a - b);
    const { partitions } = await stack.admin.fetchTopicMetadata({ topics: [stack.qualityEventsTopic] }).then((m) => m.topics[0]!);
    expect(tracked, 'every events partition tracked by exactly one instance').to.deep.equal(partitions.map((p) => p.partitionId).sort((a, b) => a - b));
    expect(manager.trackedPartitions()).to.not.be.empty;
    expect(other.trackedPartitions()).to.not.be.empty;
    const id = pipelineId('signups');
    const pipeline = await stack.runPipeline(definition(id), 'run-w');
    await waitFor(() => [manager, other].every((m) => m.pipelines().some((p) => p.pipelineId === id && p.state === 'running')), {
      what: 'the quality consumers to run',
    });

    // Arrival times an hour back, one window per minute (the topics keep producer timestamps).
    const t0 = hourAgo();
    await stack.process(pipeline, signupBatch(t0, 0, WINDOWS), 'run-w');

    const events = await stack.read([stack.qualityEventsTopic], pipeline.codec);
    const of = <T>(type: string) => events.filter((e) => e.type === `tributary.quality.${type}` && e.value.pipelineId === id).map((e) => e.value as unknown as T);
    await waitFor(() => of<QualityWindowClosed>('QualityWindowClosed').length >= WINDOWS && of('QualityIssueResolved').length >= 1, {
      what: `${WINDOWS} closed windows and the issue resolved`,
      timeoutMs: 60_000,
    });
    await new Promise((r) => setTimeout(r, 3_000)); // anything published twice would show now

    const closed = of<QualityWindowClosed>('QualityWindowClosed').sort((a, b) => a.windowStart - b.windowStart);
    expect(closed.map((c) => c.windowStart)).to.deep.equal(Array.from({ length: WINDOWS }, (_, w) => t0 + w * MINUTE));
    for (const [w, c] of closed.entries()) {
      // The same window counted here, by a different path: the records themselves.
      const own = Array.from({ length: PER_WINDOW }, (_, j) => signup(w, j));
      const quarantined = own.filter((r) => r.amount < 0).length;
      const emails = own.filter((r) => r.email !== null).length;
      const badEmails = own.filter((r) => r.email !== null && !r.email.includes('@')).length;
      const metrics = JSON.parse(c.metrics) as QualityWindowMetrics;
      expect({ records: c.records, quarantined: c.quarantined }, `window ${w}`).to.deep.equal({ records: PER_WINDOW, quarantined });
      expect(c.validity).to.be.closeTo((PER_WINDOW - quarantined) / PER_WINDOW, 1e-12);
      const email = metrics.fields.find((f) => f.field === 'email')!;
      expect({ nonNull: email.nonNull, warned: email.warned, failed: email.failed }, `window ${w} email`).to.deep.equal({ nonNull: emails, warned: badEmails, failed: 0 });
      expect(email.completeness).to.be.closeTo(emails / PER_WINDOW, 1e-12);
      const rules = Object.fromEntries(metrics.rules.map((r) => [r.ruleId, r.records]));
      expect(rules, `window ${w} rules`).to.deep.equal({ 'amount-range': quarantined, 'email-format': badEmails });
    }

    // One issue for the drop (not one per record or per window), resolved once the rate recovers.
    const opened = of<QualityIssueOpened>('QualityIssueOpened');
    const resolved = of<QualityIssueResolved>('QualityIssueResolved');
    expect(opened.map((o) => [o.signal, o.windowStart])).to.deep.equal([['rule:email-format', t0 + 20 * MINUTE]]);
    expect(opened[0]).to.include({ reason: 'threshold', metric: 'failureRate', observedValue: 0.3 });
    expect(opened[0]!.sampleRecordIds.length).to.be.greaterThan(0);
    expect(resolved.map((r) => r.issueId)).to.deep.equal([opened[0]!.issueId]);
    expect(resolved[0]!.windowStart).to.equal(t0 + 23 * MINUTE);
    await Promise.all([manager.close(), other.close()]);
  });

  it('resumes after a restart from Kafka alone: no window closed twice, and the open issue resolved by the new instance', async function () {
    this.timeout(120_000);
    const id = pipelineId('restart');
    const first = await stack.qualityManager();
    const pipeline = await stack.runPipeline(definition(id), 'run-r');
    await waitFor(() => first.pipelines().some((p) => p.pipelineId === id && p.state === 'running'), { what: 'the quality consumer to run' });
    const t0 = hourAgo();
    // Windows 0–19 steady, 20–22 the drop: the issue opens before the restart, and recovers after it.
    const batch = (from: number, to: number) => signupBatch(t0, from, to);
    const events = await stack.read([stack.qualityEventsTopic], pipeline.codec);
    const of = <T>(type: string) => events.filter((e) => e.type === `tributary.quality.${type}` && e.value.pipelineId === id).map((e) => e.value as unknown as T);

    await stack.process(pipeline, batch(0, 23), 'run-r');
    await waitFor(() => of('QualityWindowClosed').length >= 23, { what: '23 closed windows', timeoutMs: 60_000 });
    expect(of<QualityIssueOpened>('QualityIssueOpened').map((o) => o.signal)).to.deep.equal(['rule:email-format']);
    await first.close();

    const second = await stack.qualityManager();
    await waitFor(() => second.pipelines().some((p) => p.pipelineId === id && p.state === 'running'), { what: 'the new consumer to run' });
    await stack.process(pipeline, batch(23, WINDOWS), 'run-r');
    await waitFor(() => of('QualityWindowClosed').length >= WINDOWS && of('QualityIssueResolved').length >= 1, {
      what: `${WINDOWS} closed windows and the resolution`,
      timeoutMs: 60_000,
    });
    await new Promise((r) => setTimeout(r, 3_000)); // anything published twice would show now

    const starts = of<QualityWindowClosed>('QualityWindowClosed').map((c) => (c.windowStart - t0) / MINUTE);
    expect(starts.sort((a, b) => a - b)).to.deep.equal(Array.from({ length: WINDOWS }, (_, w) => w));
    expect(of<QualityWindowClosed>('QualityWindowClosed').every((c) => c.records === PER_WINDOW)).to.equal(true);
    const opened = of<QualityIssueOpened>('QualityIssueOpened');
    expect(opened.map((o) => o.issueId)).to.have.length(1);
    expect(of<QualityIssueResolved>('QualityIssueResolved').map((r) => r.issueId)).to.deep.equal([opened[0]!.issueId]);
  });
});
