import { createHealthServer, createMetrics, createMetricsHandler, type HealthServer } from '@tributary/observability';
import type { QuarantinedRecord } from '@tributary/schemas';
import { waitFor } from '@tributary/testing';
import { expect } from 'chai';
import type { QualityManager } from '../src/manager.js';
import { cleanOrder, DEFECTS, type Defect, defectiveOrder, ordersDefinition } from './fixtures.js';
import { pipelineId, Stack } from './helpers.js';

describe('quality manager on the real stack', () => {
  const stack = new Stack();
  const metrics = createMetrics({ service: 'quality-manager-test', collectDefaultMetrics: false });
  let manager: QualityManager;
  let http: HealthServer;

  afterEach(function () {
    // The manager's own log lines explain a failure better than a timeout does.
    if (this.currentTest?.state === 'failed') console.log(stack.logLines.slice(-40).join(''));
  });

  before(async () => {
    await stack.start();
    manager = await stack.qualityManager({}, {}, { metricsRegistry: metrics.registry });
    http = createHealthServer({ port: 0, ready: () => manager.ready, metrics: createMetricsHandler(metrics) });
    await http.listen();
  });
  after(async () => {
    await http?.close();
    await stack.close();
    await metrics.close();
  });

  /** `tributary_quality_records_total` of `id` by outcome, as `/metrics` shows it now. */
  async function recordCounts(id: string): Promise<Record<string, number>> {
    const text = await (await fetch(`http://127.0.0.1:${http.port}/metrics`)).text();
    const counts: Record<string, number> = {};
    for (const line of text.split('\n')) {
      const m = /^tributary_quality_records_total\{(.*)\} (\S+)$/.exec(line);
      if (!m) continue;
      const labels = new Map([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l): [string, string] => [l[1]!, l[2]!]));
      if (labels.get('pipeline') === id) counts[labels.get('outcome')!] = Number(m[2]);
    }
    return counts;
  }

  it('quarantines exactly the records with seeded defects, with the rule each broke, and validates the rest (precision and recall 1.0)', async () => {
    const id = pipelineId('orders');
    const runId = 'run-1';
    const pipeline = await stack.runPipeline(ordersDefinition(id), runId);
    await waitFor(() => manager.pipelines().some((p) => p.pipelineId === id && p.state === 'running'), { what: 'the quality consumer to run' });

    // Every 7th record carries one defect, cycling through every kind; the rest are clean.
    const now = Date.now();
    const total = 3000;
    const seeded = new Map<string, Defect>();
    const records = Array.from({ length: total }, (_, i) => {
      const recordId = `r${i}`;
      if (i % 7 !== 6) return { recordId, key: `k-o${i}`, value: cleanOrder(i, now) };
      const defect = DEFECTS[Math.floor(i / 7) % DEFECTS.length]!;
      seeded.set(recordId, defect);
      const value = defectiveOrder(i, defect, now);
      return { recordId, key: typeof value.id === 'string' ? `k-${value.id}` : recordId, value };
    });
    await stack.process(pipeline, records, runId);

    const seen = await stack.read([pipeline.topics.validated, pipeline.topics.quarantine], pipeline.codec);
    await waitFor(() => seen.length >= total, { what: `${total} records in .validated and .quarantine`, timeoutMs: 60_000 });

    // Each record lands exactly once, in exactly one of the two topics.
    const ids = seen.map((s) => s.headers['record-id']);
    expect(new Set(ids).size, 'distinct record ids').to.equal(total);
    expect(seen.length, 'records written').to.equal(total);

    const quarantined = seen.filter((s) => s.topic === pipeline.topics.quarantine).map((s) => s.value as unknown as QuarantinedRecord);
    const shouldQuarantine = new Set([...seeded].filter(([, d]) => d !== 'email-format').map(([r]) => r));
    const caught = quarantined.filter((q) => shouldQuarantine.has(q.recordId)).length;
    const precision = caught / quarantined.length;
    const recall = caught / shouldQuarantine.size;
    expect({ precision, recall }).to.deep.equal({ precision: 1, recall: 1 });
    expect(quarantined.length).to.equal(shouldQuarantine.size);

    for (const q of quarantined) {
      const defect = seeded.get(q.recordId)!;
      const expectedRule = defect === 'all-null' ? 'id-present' : defect;
      expect(q.failures.map((f) => f.ruleId), `${q.recordId} (${defect})`).to.deep.equal([expectedRule]);
      expect(q).to.include({ pipelineId: id, runId, pipelineVersion: 1, sourceTopic: pipeline.topics.processed });
      expect(JSON.parse(q.record)).to.deep.equal(records[Number(q.recordId.slice(1))]!.value);
      expect(q.failures[0]!.message).to.be.a('string').and.not.empty;
    }
    const perUnit = quarantined.find((q) => seeded.get(q.recordId) === 'per-unit')!;
    expect(perUnit.failures[0]!.message).to.match(/evaluation error/i);
    const range = quarantined.find((q) => seeded.get(q.recordId) === 'amount-range')!;
    expect(range.failures[0]).to.include({ field: 'amount', value: '-5', severity: 'error', ruleType: 'in_range' });

    // Warnings pass, flagged; clean records pass unflagged and unchanged.
    const validated = seen.filter((s) => s.topic === pipeline.topics.validated);
    const warned = validated.filter((s) => s.headers['quality-warnings'] !== undefined);
    expect(warned.map((s) => s.headers['record-id']).sort()).to.deep.equal([...seeded].filter(([, d]) => d === 'email-format').map(([r]) => r).sort());
    expect(warned.every((s) => s.headers['quality-warnings'] === 'email-format')).to.equal(true);
    const r0 = validated.find((s) => s.headers['record-id'] === 'r0')!;
    expect(r0.value).to.deep.equal(records[0]!.value);
    expect(r0.headers).to.include({ 'run-id': runId, 'pipeline-version': '1' });
    expect(r0.key).to.equal('k-o0');
  });

  it('passes every record of a pipeline without quality rules to .validated', async () => {
    const id = pipelineId('plain');
    const definition = ordersDefinition(id);
    const { quality: _ignored, ...withoutRules } = definition;
    const pipeline = await stack.runPipeline(withoutRules, 'run-plain');
    await waitFor(() => manager.pipelines().some((p) => p.pipelineId === id && p.state === 'running'), { what: 'the quality consumer to run' });
    const now = Date.now();
    const records = Array.from({ length: 50 }, (_, i) => ({ recordId: `r${i}`, value: defectiveOrder(i + 1, DEFECTS[i % DEFECTS.length]!, now) }));
    await stack.process(pipeline, records, 'run-plain');
    const seen = await stack.read([pipeline.topics.validated, pipeline.topics.quarantine], pipeline.codec);
    await waitFor(() => seen.length >= 50, { what: '50 records' });
    expect(seen.every((s) => s.topic === pipeline.topics.validated && s.headers['quality-warnings'] === undefined)).to.equal(true);
  });

  it('counts validated and quarantined records per pipeline on /metrics, from the commits', async () => {
    const id = pipelineId('counted');
    const pipeline = await stack.runPipeline(ordersDefinition(id), 'run-counted');
    await waitFor(() => manager.pipelines().some((p) => p.pipelineId === id && p.state === 'running'), { what: 'the quality consumer to run' });
    // The counter's series exist once the pipeline is checked, before any record.
    expect(await recordCounts(id)).to.deep.equal({ validated: 0, quarantined: 0 });

    // 1,000 records: every 5th breaks the amount range (quarantined), every 7th only the email
    // warning (validated, flagged) unless it is also a 5th.
    const now = Date.now();
    const total = 1000;
    const records = Array.from({ length: total }, (_, i) => {
      const defect = i % 5 === 4 ? 'amount-range' : i % 7 === 6 ? 'email-format' : undefined;
      return { recordId: `c${i}`, key: `k-o${i}`, value: defect ? defectiveOrder(i, defect, now) : cleanOrder(i, now) };
    });
    const quarantined = records.filter((_, i) => i % 5 === 4).length;
    await stack.process(pipeline, records, 'run-counted');

    const seen = await stack.read([pipeline.topics.validated, pipeline.topics.quarantine], pipeline.codec);
    await waitFor(() => seen.length >= total, { what: `${total} records in .validated and .quarantine`, timeoutMs: 60_000 });
    expect(seen.filter((s) => s.topic === pipeline.topics.quarantine)).to.have.length(quarantined);
    // Counted before each commit: every record that is visible is counted.
    expect(await recordCounts(id)).to.deep.equal({ validated: total - quarantined, quarantined });
  });
});
