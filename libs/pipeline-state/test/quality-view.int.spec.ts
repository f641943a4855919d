import { expect } from 'chai';
import { createQualityView, type QualityView } from '../src/index.js';
import { createTestStack, type TestStack } from './support/stack.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 11, 1, 10, 0);

const closed = (w: number, score: number, size = MINUTE) => ({
  pipelineId: 'orders',
  windowStart: T0 + w * size,
  windowEnd: T0 + (w + 1) * size,
  records: 100,
  quarantined: 100 - score,
  score,
  completeness: 1,
  validity: score / 100,
  metrics: JSON.stringify({ counts: { records: 100 } }),
  expectations: [{ expectationId: 'volume', type: 'volume', observedValue: 100, success: true }],
  detectorState: '{}',
  closedAt: T0 + (w + 1) * size,
});
const opened = {
  issueId: 'orders:rule:r1:2',
  pipelineId: 'orders',
  signal: 'rule:r1',
  ruleId: 'r1',
  reason: 'threshold',
  severity: 'error',
  summary: 'r1 failed 30% of records',
  metric: 'failureRate',
  observedValue: 0.3,
  thresholdMin: null,
  thresholdMax: 0.05,
  baselineMean: null,
  baselineStdDev: null,
  windowStart: T0 + 2 * MINUTE,
  windowEnd: T0 + 3 * MINUTE,
  sampleRecordIds: ['k-1'],
  openedAt: T0 + 3 * MINUTE,
};
const delta = {
  pipelineId: 'orders',
  runId: null,
  pipelineVersion: 1,
  sourcePartition: 0,
  windowStart: T0,
  windowEnd: T0 + MINUTE,
  records: 1,
  passed: 1,
  warned: 0,
  quarantined: 0,
  fields: [],
  rules: [],
  uniqueness: null,
  freshness: null,
  observedAt: T0,
};

describe('quality read model on the real broker', function () {
  this.timeout(60_000);
  let stack: TestStack;
  let view: QualityView | undefined;

  beforeEach(async () => {
    stack = await createTestStack();
  });
  afterEach(async () => {
    await view?.close();
    await stack.close();
  });

  it('keeps closed windows by size and issues by id, once each, skipping the window deltas', async () => {
    const topic = stack.topics.qualityEvents;
    const publish = (type: string, value: unknown) => stack.publisher.publish(topic, `tributary.quality.${type}`, value, { key: 'orders' });
    await publish('QualityWindowObserved', delta);
    for (const [w, score] of [[0, 99], [1, 98], [2, 70], [3, 97]] as const) await publish('QualityWindowClosed', closed(w, score));
    await publish('QualityWindowClosed', closed(0, 99, 60 * MINUTE));
    await publish('QualityIssueOpened', opened);
    // A tracker that crashed after publishing the issue publishes it again: the same id, one issue.
    await publish('QualityWindowClosed', closed(2, 70));
    await publish('QualityIssueOpened', { ...opened, openedAt: T0 + 9 * MINUTE });
    // People: an acknowledgement (the second is ignored), a note published twice (one note), a resolution.
    const ack = { issueId: opened.issueId, pipelineId: 'orders', note: 'on it', acknowledgedAt: T0 + 5 * MINUTE };
    await publish('QualityIssueAcknowledged', { ...ack, acknowledgedBy: 'alice' });
    await publish('QualityIssueAcknowledged', { ...ack, acknowledgedBy: 'bob' });
    const note = { issueId: opened.issueId, pipelineId: 'orders', noteId: 'cmd-1', author: 'bob', note: 'form validation off', addedAt: T0 + 6 * MINUTE };
    await publish('QualityIssueNoteAdded', note);
    await publish('QualityIssueNoteAdded', note);
    const resolution = { issueId: opened.issueId, pipelineId: 'orders', signal: 'rule:r1', windowStart: null, observedValue: null };
    await publish('QualityIssueResolved', { ...resolution, resolution: 'resolved by alice', resolvedBy: 'alice', note: 'fixed', resolvedAt: T0 + 7 * MINUTE });
    // The tracker's own resolution crossing it: the first one stands.
    await publish('QualityIssueResolved', { ...resolution, resolution: 'recovered', resolvedBy: null, note: null, windowStart: T0 + 3 * MINUTE, observedValue: 0.01, resolvedAt: T0 + 8 * MINUTE });

    view = createQualityView({ kafka: stack.kafka, codec: stack.codec, topicPrefix: stack.prefix });
    await view.start();
    expect(view.windows('orders').map((w) => w.score)).to.deep.equal([99, 98, 70, 97]);
    expect(view.windows('orders', { from: T0 + MINUTE, to: T0 + 3 * MINUTE }).map((w) => w.score)).to.deep.equal([98, 70]);
    expect(view.windows('orders', { windowMs: 60 * MINUTE })).to.have.length(1);
    expect(view.windows('orders')[0]?.metrics).to.deep.equal({ counts: { records: 100 } });
    expect(view.issues('orders').map((i) => [i.issueId, i.status, i.openedAt])).to.deep.equal([[opened.issueId, 'resolved', opened.openedAt]]);
    expect(view.issues('orders', 'open')).to.deep.equal([]);
    const issue = view.issue('orders', opened.issueId);
    expect(issue?.resolution).to.deep.equal({ reason: 'resolved by alice', by: 'alice', note: 'fixed', windowStart: null, at: T0 + 7 * MINUTE });
    expect(issue?.acknowledgement).to.deep.equal({ by: 'alice', note: 'on it', at: T0 + 5 * MINUTE });
    expect(issue?.notes).to.deep.equal([{ noteId: 'cmd-1', author: 'bob', note: 'form validation off', at: T0 + 6 * MINUTE }]);
    expect(view.windows('other')).to.deep.equal([]);
  });
});
