/**
 * The pipeline flow end to end, over HTTP, on the real stack: every service runs as its own process
 * (pipeline manager, staging manager, processor, quality manager, CPM) on a private topic prefix and
 * private ports.
 * Expected outputs are computed here, independently of @tributary/pipelines.
 */
import fs from 'node:fs';
import { createPublisher } from '@tributary/broker';
import { PrivateRedis, uniqueName, waitFor } from '@tributary/testing';
import { expect } from 'chai';
import type { Kafka } from 'kafkajs';
import { cpmClient, CpmCallError, DEMO_DEFINITION, drained, formatSummary, type PipelineView, runDemo, waitForPipeline } from '../platform/demo.js';
import { generateOrders, type Order } from '../platform/demo-data.js';
import { type Platform, startPlatform } from '../platform/platform.js';
import { e2eKafka, readerCodec, readTopic, readUntil } from './support/topics.js';

const REGIONS: Record<string, string> = { DE: 'EU', FR: 'EU', NL: 'EU', US: 'NA', CA: 'NA', JP: 'APAC' };

/** What the orders pipeline must output, computed from its YAML's meaning, not its code. */
function expectedOutput(records: Order[]): Map<string, { customer: string; total: number; region: string | null }> {
  const out = new Map<string, { customer: string; total: number; region: string | null }>();
  for (const r of records) {
    if (typeof r.price !== 'number') continue; // refused at ingest
    const total = r.price * r.quantity;
    if (!(total > 0)) continue;
    if (out.has(r.id)) continue; // once per order (repeats are 3 s apart, inside the 10-minute window)
    out.set(r.id, { customer: r.customer.trim().toLowerCase(), total, region: REGIONS[r.country] ?? null });
  }
  return out;
}

function definitionFor(id: string): string {
  return fs.readFileSync(DEMO_DEFINITION, 'utf8').replace(/^id: orders$/m, `id: ${id}`);
}

describe('the pipeline flow end to end (five services as processes)', function () {
  this.timeout(300_000);
  const prefix = uniqueName('e2e');
  const kafka: Kafka = e2eKafka('e2e-test');
  const codec = readerCodec();
  let platform: Platform;
  // A Redis of the suite's own, so a test can take it away.
  let redis: PrivateRedis;
  let admin: ReturnType<typeof cpmClient>;
  let operator: ReturnType<typeof cpmClient>;
  let viewer: ReturnType<typeof cpmClient>;

  before(async () => {
    redis = await PrivateRedis.start();
    platform = await startPlatform({
      topicPrefix: prefix,
      ports: { cpm: 18080, 'pipeline-manager': 18091, 'staging-manager': 18092, processor: 18093, 'quality-manager': 18094, 'monitoring-manager': 18095 },
      logDir: `tmp/e2e-logs/${prefix}`,
      env: { TRIBUTARY_METRICS_INTERVAL_MS: '1000', MONITORING_HEARTBEAT_TIMEOUT_MS: '10000', MONITORING_TICK_MS: '1000', REDIS_URL: redis.url },
    });
    admin = cpmClient(platform.cpmUrl, platform.apiKeys.admin);
    operator = cpmClient(platform.cpmUrl, platform.apiKeys.operator);
    viewer = cpmClient(platform.cpmUrl, platform.apiKeys.viewer);
  });
  after(async () => {
    await platform?.close();
    await redis?.stop();
  });

  async function createAndStart(id: string): Promise<PipelineView> {
    const created = await admin.call<{ pipeline: { version: number } }>('POST', '/pipelines', { type: 'application/yaml', data: definitionFor(id) });
    expect(created.status).to.equal(201);
    const started = await operator.call<{ runId: string }>('POST', `/pipelines/${id}/start`);
    expect(started.status).to.equal(202);
    return waitForPipeline(viewer, id, (p) => p.status === 'RUNNING' && p.currentRun?.runId === started.body.runId, 30_000);
  }

  async function ingestAll(id: string, records: Order[]): Promise<number> {
    let accepted = 0;
    for (let i = 0; i < records.length; i += 1000) accepted += (await operator.ingest(id, records.slice(i, i + 1000))).body.accepted;
    return accepted;
  }

  async function decodeAll(messages: { value: Buffer | null }[]) {
    return Promise.all(messages.map(async (m) => (await codec.decode(m.value!)).value as Record<string, unknown>));
  }

  /** The samples of decoded MetricBatch records, each with its batch's service, instance and time (a MetricSnapshot's shape). */
  function batchSamples(batches: readonly Record<string, unknown>[]): Record<string, unknown>[] {
    return batches.flatMap((b) => (b.samples as Record<string, unknown>[]).map((s) => ({ service: b.service, instance: b.instance, observedAt: b.observedAt, ...s })));
  }

  it('define → ingest 10,000 → exactly the expected records in .processed, the expected ones in .rejected', async () => {
    const id = 'orders';
    await createAndStart(id);
    const data = generateOrders(10_000);
    const expected = expectedOutput(data.records);
    expect(expected.size).to.equal(data.expected.processed);

    const accepted = await ingestAll(id, data.records);
    expect(accepted).to.equal(10_000 - data.expected.invalid);
    // Records that bypass the edge (an external producer on .raw): staging must reject them with reasons.
    const publisher = createPublisher({ kafka, codec });
    const raw = `${prefix}.data.${id}.raw`;
    const bypass = [
      { id: 'bad-json-1', value: '{"id": "x-1", "price": ' },
      { id: 'bad-json-2', value: 'not json at all' },
      { id: 'bad-type-1', value: JSON.stringify({ ...data.records[0], id: 'x-2', quantity: 'many' }) },
    ];
    for (const b of bypass) {
      await publisher.publishRaw(raw, {
        key: b.id,
        value: Buffer.from(b.value),
        headers: { 'event-type': 'tributary.data.RawRecord', 'record-id': b.id, 'content-type': 'application/json' },
      });
    }
    await publisher.close();

    await waitForPipeline(viewer, id, (p) => drained(p, accepted + bypass.length), 180_000);
    const processed = await readTopic(kafka, `${prefix}.data.${id}.processed`, expected.size);
    expect(processed).to.have.length(expected.size);
    const values = await decodeAll(processed);
    const byId = new Map(values.map((v) => [v.id as string, v]));
    expect(byId.size).to.equal(expected.size);
    for (const [recordId, want] of expected) {
      const got = byId.get(recordId);
      expect(got, recordId).to.not.equal(undefined);
      expect(got!.customer).to.equal(want.customer);
      expect(got!.total).to.be.closeTo(want.total, 1e-9);
      expect(got!.region).to.equal(want.region);
      expect(got).to.not.have.property('internal_note');
    }
    expect(processed.every((m) => m.headers['run-id'] !== undefined && m.headers['record-id'] === m.key && m.key?.startsWith('k-') === true)).to.equal(true);

    const rejected = await readTopic(kafka, `${prefix}.data.${id}.rejected`, bypass.length);
    const reasons = await decodeAll(rejected);
    expect(reasons.map((r) => r.recordId).sort()).to.deep.equal(bypass.map((b) => b.id).sort());
    for (const r of reasons) {
      expect(r.stage).to.equal('staging');
      expect((r.errors as unknown[]).length).to.be.greaterThan(0);
    }
    const codes = reasons.flatMap((r) => (r.errors as { code: string; field: string | null }[]).map((e) => `${String(r.recordId)}:${e.code}:${e.field ?? ""}`));
    expect(codes.filter((c) => c.includes('TRIB_RECORD_MALFORMED'))).to.have.length(2);
    expect(codes.some((c) => c.startsWith('bad-type-1:') && c.endsWith(':quantity'))).to.equal(true);

    // The demo's quality rules, from their meaning: totals above 800 are quarantined for review;
    // orders without a sales region pass to .validated, flagged.
    const review = new Set([...expected].filter(([, v]) => v.total > 800).map(([orderId]) => orderId));
    const noRegion = new Set([...expected].filter(([, v]) => v.total <= 800 && v.region === null).map(([orderId]) => orderId));
    expect(review.size, 'the data set has orders to review').to.be.greaterThan(0);
    const quarantined = await decodeAll(await readTopic(kafka, `${prefix}.data.${id}.quarantine`, review.size));
    expect(quarantined).to.have.length(review.size);
    expect(new Set(quarantined.map((q) => (JSON.parse(q.record as string) as { id: string }).id))).to.deep.equal(review);
    expect(quarantined.every((q) => (q.failures as { ruleId: string }[]).some((f) => f.ruleId === 'total-reviewable'))).to.equal(true);
    const validated = await readTopic(kafka, `${prefix}.data.${id}.validated`, expected.size - review.size);
    expect(validated).to.have.length(expected.size - review.size);
    const flagged = await decodeAll(validated.filter((m) => m.headers['quality-warnings'] === 'region-assigned'));
    expect(new Set(flagged.map((v) => v.id))).to.deep.equal(noRegion);
  });

  it('a replay of a time range reproduces the same output records, tagged with the replay run', async () => {
    const id = 'orders-replay';
    await createAndStart(id);
    const data = generateOrders(2_000, { seed: 7 });
    const expected = expectedOutput(data.records);
    const from = new Date(Date.now() - 1_000).toISOString();
    const accepted = await ingestAll(id, data.records);
    await waitForPipeline(viewer, id, (p) => drained(p, accepted), 120_000);
    const until = new Date(Date.now() + 1_000).toISOString();
    const live = await readTopic(kafka, `${prefix}.data.${id}.processed`, expected.size);
    const liveRun = live[0]!.headers['run-id'];

    const replay = await operator.call<{ runId: string }>('POST', `/pipelines/${id}/replays`, {
      type: 'application/json',
      data: JSON.stringify({ from, until }),
    });
    expect(replay.status).to.equal(202);
    const all = await readTopic(kafka, `${prefix}.data.${id}.processed`, expected.size * 2, { settleMs: 3_000 });
    expect(all).to.have.length(expected.size * 2);
    const replayed = all.filter((m) => m.headers['run-id'] === replay.body.runId);
    expect(replayed).to.have.length(expected.size);
    expect(all.filter((m) => m.headers['run-id'] === liveRun)).to.have.length(expected.size);
    // Same input, same definition: the same records, value for value.
    const liveValues = new Map((await decodeAll(live)).map((v, i) => [live[i]!.key, JSON.stringify(v)]));
    const replayValues = await decodeAll(replayed);
    replayed.forEach((m, i) => expect(JSON.stringify(replayValues[i]), m.key!).to.equal(liveValues.get(m.key)));
    const run = await viewer.call<{ mode: string }>('GET', `/pipelines/${id}/runs/${replay.body.runId}`);
    expect(run.body.mode).to.equal('replay');
  });

  it('kill -9 of the staging manager and the processor mid-stream: .processed ends with every record exactly once', async () => {
    const id = 'orders-kill';
    await createAndStart(id);
    const data = generateOrders(10_000, { seed: 11, repeats: false });
    const expected = expectedOutput(data.records);
    const ingest = ingestAll(id, data.records);
    await waitForPipeline(viewer, id, (p) => (p.currentRun?.stages.at(-1)?.in ?? 0) > 1_000, 120_000);
    await platform.kill('staging-manager');
    await platform.kill('processor');
    const accepted = await ingest;
    await platform.restart('staging-manager');
    await platform.restart('processor');
    await waitForPipeline(viewer, id, (p) => drained(p, accepted), 180_000);

    const processed = await readTopic(kafka, `${prefix}.data.${id}.processed`, expected.size, { settleMs: 3_000 });
    const ids = (await decodeAll(processed)).map((v) => v.id as string);
    expect(ids).to.have.length(expected.size);
    expect(new Set(ids).size).to.equal(expected.size);
    expect([...expected.keys()].every((k) => ids.includes(k))).to.equal(true);
    // The run's counters are exact too: they commit with the records they count.
    const p = (await viewer.pipeline(id)).body;
    expect(p.currentRun!.stages.find((s) => s.stage === 'staging')!.out).to.equal(accepted);
  });

  it('runs the demo of `npm start`: its summary adds up to the generated data set', async () => {
    const summary = await runDemo({ cpmUrl: platform.cpmUrl, adminKey: platform.apiKeys.admin, operatorKey: platform.apiKeys.operator, records: 3_000 });
    const data = generateOrders(3_000);
    expect(summary.accepted).to.equal(3_000 - data.expected.invalid);
    expect(summary.rejectedAtIngest).to.equal(data.expected.invalid);
    const last = summary.stages.at(-1)!;
    expect(last.out).to.equal(data.expected.processed);
    expect(formatSummary(summary)).to.contain(`${summary.sent} orders`);
  });

  it('every service publishes its metric samples (MetricBatch records) and heartbeats to monitoring.metrics; the monitoring manager sees them UP', async () => {
    const services = ['cpm', 'pipeline-manager', 'staging-manager', 'processor', 'quality-manager', 'monitoring-manager'];
    const topic = `${prefix}.monitoring.metrics`;
    const beating = (seen: readonly { headers: Record<string, string>; key: string | null }[]) =>
      new Set(seen.filter((m) => m.headers['event-type'] === 'tributary.monitoring.Heartbeat').map((m) => m.key));
    const seen = await readUntil(kafka, topic, (s) => services.every((name) => beating(s).has(name)));
    const batches = seen.filter((m) => m.headers['event-type'] === 'tributary.monitoring.MetricBatch');
    // Keyed by the service they are of; nothing Tributary writes is a one-sample MetricSnapshot any more.
    expect(batches.every((m) => m.key !== null && services.concat('kafka').includes(m.key))).to.equal(true);
    expect(seen.filter((m) => m.headers['event-type'] === 'tributary.monitoring.MetricSnapshot')).to.deep.equal([]);
    const snapshots = batchSamples(await decodeAll(batches));
    const beats = await decodeAll(seen.filter((m) => m.headers['event-type'] === 'tributary.monitoring.Heartbeat'));
    for (const name of services) {
      const own = snapshots.filter((s) => s.service === name);
      expect(own.map((s) => s.metric), name).to.include.members(['tributary_process_resident_memory_bytes', 'tributary_nodejs_eventloop_lag_seconds']);
      expect(beats.some((b) => b.service === name && typeof b.instance === 'string' && b.instance !== ''), name).to.equal(true);
    }
    // The staging manager has consumed the orders by now: its counter and handler histogram are in the snapshots.
    const consumed = snapshots.filter((s) => s.service === 'staging-manager' && s.metric === 'tributary_messages_consumed_total');
    expect(consumed.some((s) => (s.value as number) > 0)).to.equal(true);
    const latency = snapshots.find((s) => s.service === 'staging-manager' && s.metric === 'tributary_handler_duration_seconds');
    expect(latency).to.deep.include({ kind: 'histogram' });
    expect((latency!.buckets as unknown[]).length).to.be.greaterThan(1);
    // Pipeline record series: the pipeline manager's counts of the orders pipeline, per stage.
    const stagedIn = snapshots.filter(
      (s) => s.service === 'pipeline-manager' && s.metric === 'tributary_pipeline_stage_records_total' && (s.labels as Record<string, string>).pipeline === 'orders',
    );
    expect(stagedIn.map((s) => (s.labels as Record<string, string>).stage)).to.include('staging');
    expect(stagedIn.some((s) => (s.labels as Record<string, string>).outcome === 'in' && (s.value as number) > 0)).to.equal(true);

    // The monitoring manager judged every service from its heartbeats: each one UP.
    const isUp = (m: { headers: Record<string, string>; key: string | null }) => m.headers['event-type'] === 'tributary.monitoring.ComponentHealthChanged';
    const health = await readUntil(kafka, `${prefix}.monitoring.events`, (s) => services.every((name) => s.some((m) => isUp(m) && m.key === name)), 60_000);
    const changes = await decodeAll(health.filter(isUp));
    for (const name of services) {
      expect(changes.some((c) => c.component === name && c.instance === null && c.status === 'UP'), `${name} UP`).to.equal(true);
    }
    // And measured Kafka itself: the disk of the broker's data directory, and every group's lag,
    // under the service that runs the group (so a ServiceDown inhibits its lag alerts).
    const measured = async () =>
      batchSamples(
        await decodeAll(
          await readUntil(kafka, topic, (s) => s.some((m) => m.key === 'kafka'), 60_000).then((s) =>
            s.filter((m) => (m.key === 'kafka' || m.key === 'staging-manager') && m.headers['event-type'] === 'tributary.monitoring.MetricBatch'),
          ),
        ),
      )
        .filter((v) => v.metric === 'tributary_disk_used_ratio' || v.metric === 'tributary_consumer_group_lag')
        .map((v) => `${String(v.service)} ${String(v.metric)} ${String((v.labels as Record<string, string>).group ?? '')}`);
    await waitFor(async () => {
      const metrics = await measured();
      return metrics.includes(`staging-manager tributary_consumer_group_lag ${prefix}-staging-manager`) && metrics.includes('kafka tributary_disk_used_ratio ');
    }, { what: 'group lag and disk measured', timeoutMs: 60_000, intervalMs: 3_000 });
  });

  it('Redis stopped: ingest and the pipeline keep flowing, monitoring reports Redis DEGRADED, and UP once it is back', async () => {
    const id = 'no-redis';
    await createAndStart(id);
    await redis.stop();
    const data = generateOrders(2_000);
    const expected = expectedOutput(data.records);
    expect(await ingestAll(id, data.records)).to.equal(2_000 - data.expected.invalid);
    const processed = await readTopic(kafka, `${prefix}.data.${id}.processed`, expected.size);
    expect(processed.length).to.equal(expected.size);

    const redisHealth = async () => {
      const seen = await readUntil(kafka, `${prefix}.monitoring.events`, (s) => s.some((m) => m.key === 'redis'), 60_000);
      return (await decodeAll(seen.filter((m) => m.key === 'redis'))).map((c) => c.status);
    };
    await waitFor(async () => (await redisHealth()).includes('DEGRADED'), { what: 'redis DEGRADED', timeoutMs: 60_000, intervalMs: 2_000 });
    await redis.start();
    await waitFor(async () => (await redisHealth()).at(-1) === 'UP', { what: 'redis UP again', timeoutMs: 60_000, intervalMs: 2_000 });
  });

  it('answers bad input with the documented errors', async () => {
    const id = 'orders';
    const expectError = async (promise: Promise<unknown>, status: number, code?: string) => {
      try {
        await promise;
        expect.fail(`expected HTTP ${status}`);
      } catch (err) {
        if (!(err instanceof CpmCallError)) throw err;
        expect(err.status, JSON.stringify(err.body)).to.equal(status);
        if (code) expect((err.body as { error: { code: string } }).error.code).to.equal(code);
        return err.body as { error: { code: string; details?: unknown } };
      }
      throw new Error('unreachable');
    };
    await expectError(admin.call('POST', '/pipelines', { type: 'application/yaml', data: definitionFor(id) }), 409);
    const invalid = await expectError(
      admin.call('POST', '/pipelines', { type: 'application/yaml', data: definitionFor('orders-bad').replace('type: filter', 'type: flter') }),
      400,
    );
    expect(JSON.stringify(invalid.error.details)).to.contain('stages');
    await expectError(operator.call('POST', '/pipelines/nope/records', { type: 'application/json', data: '[{}]' }), 404);
    await expectError(operator.call('POST', `/pipelines/${id}/records`, { type: 'application/json', data: '[{"id": ' }), 400);
    await expectError(
      operator.call('POST', `/pipelines/${id}/records`, { type: 'application/json', data: JSON.stringify([{ id: 'a', price: 'x' }]) }),
      422,
    );
    await expectError(
      operator.call('POST', `/pipelines/${id}/records`, { type: 'application/json', data: Buffer.alloc(17 * 1024 * 1024, 32) }),
      413,
    );
    await expectError(viewer.call('POST', `/pipelines/${id}/records`, { type: 'application/json', data: '[]' }), 403);
    await expectError(cpmClient(platform.cpmUrl, 'not-a-key-at-all-0000').call('GET', '/pipelines'), 401);
    await waitFor(async () => (await viewer.call<{ pipelines: unknown[] }>('GET', '/pipelines')).body.pipelines.length >= 3, {
      what: 'the pipelines listed',
    });
  });
});
