import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { expect } from 'chai';
import { MessagingAttribute, type Telemetry, createTelemetry, noopSpan, noopTelemetry } from '../src/index.js';

const topic = 'tributary.data.p1.raw';
const traceparent = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;

describe('tracing through Kafka headers', () => {
  let exporter: InMemorySpanExporter;
  let telemetry: Telemetry;

  beforeEach(() => {
    exporter = new InMemorySpanExporter();
    telemetry = createTelemetry({ serviceName: 'staging-manager', exporter, spanProcessor: 'simple' });
  });
  afterEach(() => telemetry.close());

  it('writes the producer span as traceparent, and the consumer span continues that trace', () => {
    const headers: Record<string, string> = { 'event-type': 'tributary.data.RecordIngested' };
    const producer = telemetry.startProducerSpan(topic, headers);
    producer.end();
    expect(headers.traceparent).to.match(traceparent);
    expect(headers.traceparent).to.equal(`00-${producer.traceId}-${producer.spanId}-01`);

    // What kafkajs hands a consumer: every header value a Buffer.
    const received = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v, 'utf8')]));
    const consumer = telemetry.startConsumerSpan(topic, received, {
      attributes: { 'messaging.consumer.group.name': 'tributary.staging' },
    });
    consumer.end();

    const [published, processed] = exporter.getFinishedSpans();
    expect(published?.name).to.equal(`publish ${topic}`);
    expect(published?.kind).to.equal(SpanKind.PRODUCER);
    expect(processed?.name).to.equal(`process ${topic}`);
    expect(processed?.kind).to.equal(SpanKind.CONSUMER);
    expect(processed?.spanContext().traceId).to.equal(published?.spanContext().traceId);
    expect(processed?.parentSpanContext?.spanId).to.equal(published?.spanContext().spanId);
    expect(processed?.attributes).to.include({
      [MessagingAttribute.system]: 'kafka',
      [MessagingAttribute.destination]: topic,
      [MessagingAttribute.operation]: 'process',
      [MessagingAttribute.operationType]: 'process',
      'messaging.consumer.group.name': 'tributary.staging',
    });
    expect(published?.attributes).to.include({ [MessagingAttribute.operation]: 'publish', [MessagingAttribute.operationType]: 'send' });
    expect(published?.resource.attributes['service.name']).to.equal('staging-manager');
  });

  it('parents a publish made while handling on the consumer span', () => {
    const consumer = telemetry.startConsumerSpan(topic, { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` });
    const headers: Record<string, string> = {};
    telemetry.startProducerSpan('tributary.data.p1.staged', headers, { parent: consumer }).end();
    consumer.end();
    const [published] = exporter.getFinishedSpans();
    expect(consumer.traceId).to.equal('a'.repeat(32));
    expect(published?.spanContext().traceId).to.equal('a'.repeat(32));
    expect(published?.parentSpanContext?.spanId).to.equal(consumer.spanId);
    expect(headers.traceparent).to.include('a'.repeat(32));
  });

  it('starts a new trace when the traceparent is missing or malformed', () => {
    telemetry.startConsumerSpan(topic, undefined).end();
    telemetry.startConsumerSpan(topic, { traceparent: Buffer.from('garbage') }).end();
    const spans = exporter.getFinishedSpans();
    expect(spans).to.have.length(2);
    for (const span of spans) expect(span.parentSpanContext).to.equal(undefined);
  });

  it('records an error: exception event, ERROR status and error.type from the stable code', () => {
    const span = telemetry.startConsumerSpan(topic, {});
    span.end(Object.assign(new Error('schema id 42 unknown'), { code: 'TRIB_SCHEMA_UNKNOWN_ID' }));
    span.end(); // a second end is ignored, not a second span
    const spans = exporter.getFinishedSpans();
    expect(spans).to.have.length(1);
    const [failed] = spans;
    expect(failed?.status).to.deep.equal({ code: SpanStatusCode.ERROR, message: 'schema id 42 unknown' });
    expect(failed?.events.map((e) => e.name)).to.deep.equal(['exception']);
    expect(failed?.attributes[MessagingAttribute.errorType]).to.equal('TRIB_SCHEMA_UNKNOWN_ID');
  });

  it('keeps propagating when a trace is not sampled, and the consumer follows that decision', async () => {
    const unsampled = createTelemetry({ serviceName: 's', exporter, spanProcessor: 'simple', sampleRatio: 0 });
    const headers: Record<string, string> = {};
    unsampled.startProducerSpan(topic, headers).end();
    expect(headers.traceparent).to.match(traceparent).and.match(/-00$/);
    telemetry.startConsumerSpan(topic, headers).end();
    expect(exporter.getFinishedSpans()).to.have.length(0);
    await unsampled.close();
  });

  it('batches by default and exports on flush; services sharing a process stay apart', async () => {
    const other = new InMemorySpanExporter();
    const batched = createTelemetry({ serviceName: 'quality-manager', exporter: other });
    batched.startProducerSpan(topic, {}).end();
    expect(other.getFinishedSpans()).to.have.length(0);
    await batched.flush();
    expect(other.getFinishedSpans().map((s) => s.resource.attributes['service.name'])).to.deep.equal(['quality-manager']);
    expect(exporter.getFinishedSpans()).to.have.length(0);
    await batched.close();
    await batched.close();
  });
});

describe('noopTelemetry', () => {
  it('writes no header and hands back one shared span, allocating nothing per message', async () => {
    const headers = Object.freeze({}) as Record<string, string>; // a write would throw in strict mode
    const a = noopTelemetry.startProducerSpan(topic, headers);
    const b = noopTelemetry.startConsumerSpan(topic, { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` });
    expect(a).to.equal(noopSpan);
    expect(b).to.equal(noopSpan);
    expect(Object.keys(headers)).to.have.length(0);
    expect(noopSpan.traceId).to.equal('0'.repeat(32));
    a.end(new Error('ignored'));
    await noopTelemetry.close();
  });
});
