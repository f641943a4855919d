import { expect } from 'chai';
import { ObservabilityError, createMetrics, createMetricsReporter, metricNames, metricsReportingDefaults, samplesOf, type HeartbeatSample, type MetricSample } from '../src/index.js';

const topic = 'tributary.data.p1.raw';
const event_type = 'tributary.data.RecordIngested';
const who = { service: 'staging-manager', instance: 'host:1' };

describe('metric snapshots (reporting)', () => {
  it('turns a registry into one sample per series: counters and gauges as they are, a histogram folded per label set', async () => {
    const metrics = createMetrics({ service: 'staging-manager', collectDefaultMetrics: false, handlerDurationBuckets: [0.001, 0.01] });
    metrics.published.inc({ topic, event_type }, 3);
    metrics.published.inc({ topic: 'other', event_type }, 1);
    metrics.consumerLag.set({ group: 'g', topic, partition: '4' }, 17);
    metrics.handlerDuration.observe({ topic, event_type }, 0.0005);
    metrics.handlerDuration.observe({ topic, event_type }, 0.005);
    metrics.handlerDuration.observe({ topic, event_type }, 5);

    const samples = samplesOf(await metrics.registry.getMetricsAsJSON(), who, 1_000);
    const of = (metric: string) => samples.filter((s) => s.metric === metric);
    expect(of(metricNames.published).map((s) => [s.labels.topic, s.value, s.kind])).to.deep.equal([
      [topic, 3, 'counter'],
      ['other', 1, 'counter'],
    ]);
    expect(of(metricNames.published)[0]).to.deep.include({ ...who, count: null, buckets: [], observedAt: 1_000 });
    expect(of(metricNames.published)[0]?.labels).to.deep.equal({ topic, event_type, service: 'staging-manager' });
    expect(of(metricNames.consumerLag).map((s) => [s.kind, s.value, s.labels.partition])).to.deep.equal([['gauge', 17, '4']]);
    const [histogram, ...more] = of(metricNames.handlerDuration);
    expect(more).to.deep.equal([]);
    expect(histogram).to.deep.include({ kind: 'histogram', count: 3 });
    expect(histogram?.value).to.be.closeTo(5.0055, 1e-12);
    expect(histogram?.labels).to.not.have.property('le');
    expect(histogram?.buckets).to.deep.equal([
      { le: 0.001, count: 1 },
      { le: 0.01, count: 2 },
      { le: Number.POSITIVE_INFINITY, count: 3 },
    ]);
    // A histogram with no observation yet has no series.
    expect(samples.filter((s) => s.kind === 'histogram')).to.have.length(1);
    await metrics.close();
  });

  it('reports the totals of the moment with a heartbeat; a failed report is an error for the caller, nothing queued', async () => {
    const metrics = createMetrics({ service: 'processor', collectDefaultMetrics: false });
    metrics.consumed.inc({ topic, event_type }, 2);
    const sent: MetricSample[][] = [];
    const beats: HeartbeatSample[] = [];
    const errors: unknown[] = [];
    let fail = false;
    let now = 10_000;
    const reporter = createMetricsReporter(
      { registry: metrics.registry, service: 'processor', instance: 'p-1', version: '1.2.3', intervalMs: 0, ready: () => !fail, clock: () => now },
      {
        metrics: (samples) => (fail ? Promise.reject(new Error('broker down')) : (sent.push([...samples]), Promise.resolve())),
        heartbeat: (beat) => (beats.push(beat), Promise.resolve()),
      },
      (err) => errors.push(err),
    );
    await reporter.report();
    now = 25_000;
    metrics.consumed.inc({ topic, event_type }, 5);
    await reporter.report();
    expect(sent.map((s) => s.find((x) => x.metric === metricNames.consumed)?.value)).to.deep.equal([2, 7]);
    // One sink call a report, every sample of one instance at one moment: what lets the sink send a
    // report as one MetricBatch record (libs/broker's metricBatchesOf) instead of a record per series.
    expect(sent.map((s) => [...new Set(s.map((x) => `${x.service}/${x.instance}/${x.observedAt}`))])).to.deep.equal([['processor/p-1/10000'], ['processor/p-1/25000']]);
    expect(beats.map((b) => [b.sentAt, b.ready, b.startedAt, b.version])).to.deep.equal([
      [10_000, true, 10_000, '1.2.3'],
      [25_000, true, 10_000, '1.2.3'],
    ]);
    fail = true;
    let failed: unknown;
    await reporter.report().catch((err: unknown) => (failed = err));
    expect((failed as Error).message).to.equal('broker down');
    await reporter.close(); // interval 0: reporting off, nothing more sent
    expect(sent).to.have.length(2);
    expect(errors).to.deep.equal([]);
    await metrics.close();
  });

  it('sends on its interval and once more at close', async () => {
    const metrics = createMetrics({ service: 'cpm', collectDefaultMetrics: false });
    metrics.published.inc({ topic, event_type });
    let reports = 0;
    const reporter = createMetricsReporter(
      { registry: metrics.registry, service: 'cpm', instance: 'c-1', intervalMs: 20 },
      { metrics: () => (reports++, Promise.resolve()), heartbeat: () => Promise.resolve() },
      () => undefined,
    );
    const started = Date.now();
    while (reports < 2 && Date.now() - started < 5_000) await new Promise((r) => setTimeout(r, 10));
    expect(reports).to.be.at.least(2);
    const before = reports;
    await reporter.close();
    expect(reports).to.equal(before + 1);
    await metrics.close();
  });

  it('leaves the noisy process series out of snapshots by default, and keeps what monitoring needs', async () => {
    const metrics = createMetrics({ service: 'cpm' });
    const names = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name);
    const reported = names.filter((n) => metricsReportingDefaults.include(n));
    expect(reported).to.include.members([
      'tributary_process_cpu_seconds_total',
      'tributary_process_resident_memory_bytes',
      'tributary_nodejs_heap_size_used_bytes',
      'tributary_nodejs_eventloop_lag_seconds',
      'tributary_nodejs_eventloop_lag_p99_seconds',
      metricNames.published,
      metricNames.handlerDuration,
    ]);
    expect(reported).to.not.include.members(['tributary_nodejs_heap_space_size_used_bytes', 'tributary_nodejs_version_info', 'tributary_nodejs_eventloop_lag_p50_seconds']);
    expect(reported.length).to.be.lessThan(names.length / 2);
    await metrics.close();
  });

  it('refuses invalid options with the option named', () => {
    expect(() => createMetricsReporter({ registry: createMetrics({ service: 'x', collectDefaultMetrics: false }).registry, service: 'x', instance: '', intervalMs: -1 }, { metrics: () => Promise.resolve(), heartbeat: () => Promise.resolve() }, () => undefined))
      .to.throw(ObservabilityError)
      .with.property('message')
      .that.matches(/instance/)
      .and.matches(/intervalMs/);
  });
});
