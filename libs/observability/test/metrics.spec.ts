import { type AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { expect } from 'chai';
import { Gauge, Registry } from 'prom-client';
import { ObservabilityError, createMetrics, createMetricsHandler, metricNames, metricsDefaults } from '../src/index.js';
import { parseSamples, sampleValue } from './exposition.js';

const topic = 'tributary.data.p1.raw';
const event_type = 'tributary.data.RecordIngested';

describe('createMetrics', () => {
  it('renders the standard counters, histogram and gauge in Prometheus text format', async () => {
    const metrics = createMetrics({ service: 'staging-manager', collectDefaultMetrics: false });
    metrics.published.inc({ topic, event_type }, 3);
    metrics.consumed.inc({ topic, event_type });
    metrics.failed.inc({ topic, event_type });
    metrics.deadLettered.inc({ topic, event_type });
    metrics.handlerDuration.observe({ topic, event_type }, 0.0003);
    metrics.consumerLag.set({ group: 'tributary.staging', topic, partition: '4' }, 17);
    const text = await metrics.render();

    const labels = { topic, event_type, service: 'staging-manager' };
    expect(text).to.include(`# TYPE ${metricNames.published} counter`);
    expect(sampleValue(text, metricNames.published, labels)).to.equal(3);
    expect(sampleValue(text, metricNames.consumed, labels)).to.equal(1);
    expect(sampleValue(text, metricNames.failed, labels)).to.equal(1);
    expect(sampleValue(text, metricNames.deadLettered, labels)).to.equal(1);
    expect(text).to.include(`# TYPE ${metricNames.handlerDuration} histogram`);
    const bucket = `${metricNames.handlerDuration}_bucket`;
    expect(sampleValue(text, bucket, { ...labels, le: '0.0001' })).to.equal(0);
    expect(sampleValue(text, bucket, { ...labels, le: '0.00025' })).to.equal(0);
    expect(sampleValue(text, bucket, { ...labels, le: '0.0005' })).to.equal(1);
    expect(sampleValue(text, bucket, { ...labels, le: '10' })).to.equal(1);
    expect(sampleValue(text, bucket, { ...labels, le: '+Inf' })).to.equal(1);
    expect(sampleValue(text, `${metricNames.handlerDuration}_count`, labels)).to.equal(1);
    const le = parseSamples(text).filter((s) => s.name === bucket).map((s) => s.labels.le);
    expect(le).to.deep.equal([...metricsDefaults.handlerDurationBuckets.map(String), '+Inf']);
    const lag = { group: 'tributary.staging', topic, partition: '4', service: 'staging-manager' };
    expect(sampleValue(text, metricNames.consumerLag, lag)).to.equal(17);
    expect(metrics.contentType).to.equal('text/plain; version=0.0.4; charset=utf-8');
    await metrics.close();
  });

  it('adds the Node process metrics with the tributary_ prefix', async () => {
    const metrics = createMetrics({ service: 's' });
    const text = await metrics.render();
    expect(text).to.match(/^tributary_process_cpu_user_seconds_total\{service="s"\} /m);
    expect(text).to.include('tributary_nodejs_eventloop_lag_seconds');
    expect(metricsDefaults.defaultMetricsPrefix).to.equal('tributary_');
    await metrics.close();
  });

  it('gives each instance its own registry, so two services in one process do not clash', async () => {
    const a = createMetrics({ service: 'a' });
    const b = createMetrics({ service: 'b' });
    a.published.inc({ topic, event_type });
    expect(a.registry).to.not.equal(b.registry);
    expect(sampleValue(await a.render(), metricNames.published, { topic, event_type, service: 'a' })).to.equal(1);
    expect(parseSamples(await b.render()).filter((s) => s.name === metricNames.published)).to.have.length(0);
    await Promise.all([a.close(), b.close()]);
  });

  it('shares a caller registry, reports a clash with a stable code, and removes only its own metrics on close', async () => {
    const registry = new Registry();
    registry.registerMetric(new Gauge({ name: 'app_ready', help: 'Whether the app is ready.', registers: [] }));
    const metrics = createMetrics({ service: 's', registry, collectDefaultMetrics: false });
    expect(() => createMetrics({ service: 't', registry })).to.throw(ObservabilityError).with.property('code', 'TRIB_OBSERVABILITY_METRIC_CONFLICT');
    await metrics.close();
    expect(registry.getMetricsAsArray().map((m) => m.name)).to.deep.equal(['app_ready']);
  });

  it('refuses buckets that are not strictly increasing', () => {
    expect(() => createMetrics({ service: 's', handlerDurationBuckets: [0.1, 0.1] }))
      .to.throw(ObservabilityError)
      .with.property('code', 'TRIB_OBSERVABILITY_OPTIONS_INVALID');
  });
});

describe('createMetricsHandler', () => {
  it('serves GET /metrics over a real HTTP server, 405 for other methods and 404 elsewhere', async () => {
    const metrics = createMetrics({ service: 'cpm' });
    metrics.published.inc({ topic, event_type });
    const server = createServer(createMetricsHandler(metrics));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ok = await fetch(`${base}/metrics?x=1`);
      expect(ok.status).to.equal(200);
      expect(ok.headers.get('content-type')).to.equal(metrics.contentType);
      const body = await ok.text();
      expect(sampleValue(body, metricNames.published, { topic, event_type, service: 'cpm' })).to.equal(1);
      expect(body).to.include('tributary_process_resident_memory_bytes');

      const post = await fetch(`${base}/metrics`, { method: 'POST' });
      expect(post.status).to.equal(405);
      expect(post.headers.get('allow')).to.equal('GET, HEAD');
      expect((await fetch(`${base}/healthz`)).status).to.equal(404);
    } finally {
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
      await metrics.close();
    }
  });

  it('passes other paths to next, as express middleware', () => {
    const metrics = createMetrics({ service: 's', collectDefaultMetrics: false });
    const handler = createMetricsHandler(metrics);
    let nextCalls = 0;
    handler({ url: '/api/v1/pipelines', method: 'GET' } as never, {} as never, () => nextCalls++);
    expect(nextCalls).to.equal(1);
  });
});
